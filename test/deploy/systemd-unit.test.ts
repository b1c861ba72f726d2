import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const UNIT = fileURLToPath(new URL('../../deploy/cairn.service', import.meta.url));
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** Section → key → every value assigned to it, in order (comments and blank lines dropped). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const service = parseUnit(readFileSync(UNIT, 'utf8')).get('Service')!;
const value = (key: string): string | undefined => service.get(key)?.at(-1);

describe('deploy/cairn.service', () => {
  it('is hardened', () => {
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('NoNewPrivileges')).toBe('yes');
    expect(value('CapabilityBoundingSet')).toBe('');
    expect(value('DynamicUser') === 'yes' || (value('User') ?? 'root') !== 'root').toBe(true);
    expect(value('StateDirectory') === 'cairn' || value('ReadWritePaths') !== undefined).toBe(true);
    expect(value('StateDirectoryMode')).toBe('0700');
    expect(value('PrivateTmp')).toBe('yes');
    expect(['yes', 'read-only', 'tmpfs']).toContain(value('ProtectHome'));
    expect(value('RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
    for (const key of ['PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups', 'RestrictNamespaces', 'LockPersonality']) {
      expect(value(key), key).toBe('yes');
    }
  });

  it('keeps what the agent needs: the semi-space flag, /proc/1 visible, the V8 JIT', () => {
    expect(value('ExecStart')).toMatch(/^\/\S*node --max-semi-space-size=4 \S+\/bin\/cairn\.js run --config \S+$/);
    expect(value('ExecReload')).toMatch(/-HUP \$MAINPID$/);
    expect(service.has('ProtectProc')).toBe(false);
    expect(service.has('ProcSubset')).toBe(false);
    expect(value('MemoryDenyWriteExecute') ?? 'no').toBe('no');
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify without a warning (skipped where systemd-analyze is not installed)', () => {
    const run = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(run.stderr.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(!hasAnalyze)('has an exposure level of at most 2.5 in systemd-analyze security (skipped where systemd-analyze is not installed)', () => {
    const run = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', UNIT], { encoding: 'utf8' });
    const level = /Overall exposure level for \S+: ([\d.]+)/.exec(run.stdout);
    expect(level, run.stdout + run.stderr).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(2.5);
  });
});
