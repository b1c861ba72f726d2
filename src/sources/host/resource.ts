import os from 'node:os';

/** `os.type` values of the semantic conventions, by Node platform. */
const OS_TYPE: Readonly<Record<string, string>> = { win32: 'windows', sunos: 'solaris', aix: 'aix', darwin: 'darwin', linux: 'linux', freebsd: 'freebsd', openbsd: 'openbsd', netbsd: 'netbsd' };
/** `host.arch` values of the semantic conventions, by Node arch. */
const HOST_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm32', ia32: 'x86', ppc: 'ppc32', ppc64: 'ppc64', s390x: 's390x' };

/** The host resource: host.name, host.id (when the machine has an id), os.type, host.arch. */
export function hostResource(hostId: string | undefined, hostname = os.hostname()): [string, string][] {
  const out: [string, string][] = [
    ['host.name', hostname],
    ['os.type', OS_TYPE[process.platform] ?? process.platform],
    ['host.arch', HOST_ARCH[process.arch] ?? process.arch],
  ];
  if (hostId !== undefined && hostId !== '') out.push(['host.id', hostId]);
  return out;
}
