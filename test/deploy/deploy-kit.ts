import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAIRN_BIN, REPO } from '../support/cli.js';

export { REPO };

/** `cairn check-config` on this YAML text, written to a temporary file. */
export function checkConfig(yamlText: string, env: Readonly<Record<string, string>> = {}): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-deploy-'));
  try {
    const file = join(dir, 'cairn.yaml');
    writeFileSync(file, yamlText);
    const run = spawnSync(process.execPath, [CAIRN_BIN, 'check-config', file], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a command runs and exits 0 (tools that may be missing here). */
export function commandWorks(cmd: string, args: readonly string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}
