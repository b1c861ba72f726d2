import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { AggregationSnapshot } from './snapshot.js';

export function stateDir(storePath: string): string {
  return join(storePath, 'aggregation');
}

/** The state saved with the last head checkpoint, or null (none, unreadable: logged, aggregation starts empty). */
export function readState(storePath: string, logger: Logger): AggregationSnapshot | null {
  const file = join(stateDir(storePath), 'state.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as AggregationSnapshot;
    return parsed.version === 1 ? parsed : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.error('aggregation state unreadable; starting empty', { component: 'aggregation', file, error: (err as Error).message });
    return null;
  }
}

/** Writes the state atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeState(storePath: string, snapshot: unknown): Promise<void> {
  const dir = stateDir(storePath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'state.json');
  const handle = await open(`${file}.tmp`, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(snapshot));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(`${file}.tmp`, file);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export function ensureStateDir(storePath: string): void {
  mkdirSync(stateDir(storePath), { recursive: true, mode: 0o700 });
}
