import { decodeOctalEscapes, lines, malformed, splitFields } from './proc-text.js';

export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly type: string;
  /** rw or ro from the mount options, `unknown` when neither is there. */
  readonly mode: string;
}

/**
 * /proc/<pid>/mounts: `device mountpoint type options 0 0`, blanks in paths escaped as octal
 * (`\040`). A path mounted over reports only its last mount, the one a process there sees.
 */
export function parseMounts(text: string, source = '/proc/self/mounts'): Mount[] {
  const byMountpoint = new Map<string, Mount>();
  for (const line of lines(text)) {
    const f = splitFields(line);
    if (f.length === 0) continue;
    if (f.length < 4) throw malformed(source, `line "${line}" has ${f.length} fields, expected 6`);
    const mountpoint = decodeOctalEscapes(f[1]!);
    byMountpoint.delete(mountpoint);
    byMountpoint.set(mountpoint, { device: decodeOctalEscapes(f[0]!), mountpoint, type: f[2]!, mode: mountMode(f[3]!) });
  }
  return [...byMountpoint.values()];
}

function mountMode(options: string): string {
  const list = options.split(',');
  if (list.includes('rw')) return 'rw';
  if (list.includes('ro')) return 'ro';
  return 'unknown';
}

export interface MountFilter {
  readonly excludeTypes: readonly string[];
  readonly excludeMountpoints: readonly string[];
}

/**
 * Whether a mount is left out: its type is excluded, or its mount point is an excluded path
 * or below one on a path-component boundary (/dev covers /dev/shm, not /devices).
 */
export function isExcludedMount(mount: Pick<Mount, 'mountpoint' | 'type'>, filter: MountFilter): boolean {
  if (filter.excludeTypes.includes(mount.type)) return true;
  return filter.excludeMountpoints.some((excluded) => isAtOrUnder(mount.mountpoint, excluded));
}

function isAtOrUnder(path: string, dir: string): boolean {
  const base = dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
  if (path === base || base === '/') return true;
  return path.startsWith(base) && path.charCodeAt(base.length) === 47; // '/'
}
