import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { IndexFileStats } from './record-damage.js';
import { RecordPair } from './record-pair.js';
import type { ScannedRecord } from './record-scan.js';

/** First byte of a block payload: a raw-deflated JSON array (docs/format/series.md). */
export const BLOCK_DEFLATE_JSON = 1;

export interface OpenedIndexFile {
  readonly pair: RecordPair;
  readonly records: readonly ScannedRecord[];
  readonly stats: IndexFileStats;
}

/** `index/<name>` and its second copy `index/<stem>-copy.<ext>`, merged and repaired (docs/format/series.md). */
export function openIndexFile(dir: string, name: string, magic: string): OpenedIndexFile {
  return RecordPair.open(join(dir, name), join(dir, copyName(name)), magic, BLOCK_DEFLATE_JSON);
}

export function copyName(name: string): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-copy${name.slice(dot)}`;
}

/**
 * The entries of every block. A block that passed its CRC in both copies but does not decode
 * (written wrong, which no CRC catches) is counted and logged as lost, like a damaged record:
 * the rest of the index still opens.
 */
export function decodeBlocks<T>(file: OpenedIndexFile): T[] {
  const out: T[] = [];
  for (const { offset, payload } of file.records) {
    try {
      if (payload[0] !== BLOCK_DEFLATE_JSON) throw new Error(`unknown block format ${payload[0]}`);
      const entries = JSON.parse(inflateRawSync(payload.subarray(1)).toString('utf8')) as unknown;
      if (!Array.isArray(entries)) throw new Error('not an array');
      for (const e of entries as T[]) out.push(e);
    } catch (err) {
      file.stats.corruptSkipped++;
      file.stats.damage.push({ file: file.pair.paths[0], offset, bytes: payload.length + 8, outcome: 'lost', reason: `a block passed its CRC but does not decode: ${(err as Error).message}` });
    }
  }
  return out;
}
