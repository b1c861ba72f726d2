import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CairnProcess, Exit } from './cli.js';
import { cliConfigYaml, spawnCairn } from './cli.js';
import { PromApi } from './prom-api.js';

// The agent as a real child process (`node bin/cairn.js run --config FILE`) on a given store
// directory, with its receivers and API on ephemeral ports.

/** Store keys below `store:` (YAML-shaped, e.g. { datafile_bytes: '256KiB', wal: { fsync: 'always' } }). */
export type StoreKeys = Record<string, string | number | Record<string, string | number>>;

/** The `store:` keys after `path`, indented to continue the section cliConfigYaml ends with. */
export function storeKeysYaml(keys: StoreKeys): string {
  let out = '';
  for (const [k, v] of Object.entries(keys)) {
    if (typeof v === 'object') {
      out += `  ${k}:\n`;
      for (const [k2, v2] of Object.entries(v)) out += `    ${k2}: ${JSON.stringify(v2)}\n`;
    } else out += `  ${k}: ${JSON.stringify(v)}\n`;
  }
  return out;
}

/** Writes a config for a store at `storePath` with `keys` into `dir`; returns the file. */
export function writeStoreConfig(dir: string, name: string, storePath: string, keys: StoreKeys, extraYaml = ''): string {
  const file = join(dir, name);
  writeFileSync(file, cliConfigYaml(storeKeysYaml(keys) + extraYaml, storePath));
  return file;
}

export interface RunningAgent {
  readonly cairn: CairnProcess;
  /** host:port of the gRPC receiver. */
  readonly grpc: string;
  /** URL of POST /v1/metrics. */
  readonly httpUrl: string;
  readonly api: PromApi;
  /** The `store opened` log line. */
  readonly storeOpened: Record<string, unknown>;
  /** The `store ring: opened` log line. */
  readonly ringOpened: Record<string, unknown>;
  /** SIGTERM, then the exit (rejects if it takes longer than `timeoutMs`). */
  stop(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL, then the exit. */
  kill(): Promise<Exit>;
}

/** Starts the agent and waits until its receivers and API listen and the agent reports started. */
export async function startStoreAgent(configFile: string, timeoutMs = 20_000): Promise<RunningAgent> {
  const cairn = spawnCairn(['run', '--config', configFile]);
  try {
    const addr = await cairn.listening(timeoutMs);
    const apiLine = await cairn.waitForLog('api listening', timeoutMs);
    await cairn.waitForLog('agent started', timeoutMs);
    const storeOpened = await cairn.waitForLog('store opened', 1000);
    const ringOpened = await cairn.waitForLog('store ring: opened', 1000);
    return {
      cairn,
      grpc: addr.grpc,
      httpUrl: `http://${addr.http}/v1/metrics`,
      api: new PromApi(`http://${apiLine['address'] as string}`),
      storeOpened,
      ringOpened,
      async stop(stopTimeoutMs = 15_000) {
        cairn.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`cairn did not exit within ${stopTimeoutMs} ms of SIGTERM; stderr:\n${cairn.stderrLines.slice(-30).join('\n')}`)), stopTimeoutMs);
        });
        try {
          return await Promise.race([cairn.exited, timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
      kill: () => cairn.kill(),
    };
  } catch (err) {
    await cairn.kill();
    throw err;
  }
}

/** Log lines at warn or error level (for failure messages). */
export function problems(cairn: CairnProcess): Record<string, unknown>[] {
  return cairn.logs.filter((l) => l['level'] === 'warn' || l['level'] === 'error');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls an async condition until it holds or `timeoutMs` passes (then throws with `what`). */
export async function eventually(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
