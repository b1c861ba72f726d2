import type { ForwardBatch } from './forward-batch.js';
import { selectRows } from './forward-batch.js';

/**
 * The batch cut into `shards` parts by series hash: a series always lands in the same shard, so
 * with one request in flight per shard each series stays in order.
 */
export function shardBatch(batch: ForwardBatch, shards: number): ForwardBatch[] {
  if (shards <= 1 || batch.pointCount === 0) return [batch];
  const shardOf = new Uint8Array(batch.seriesCount);
  for (let s = 0; s < batch.seriesCount; s++) shardOf[s] = (batch.seriesHashes[2 * s + 1]! >>> 0) % shards;
  const out: ForwardBatch[] = [];
  for (let k = 0; k < shards; k++) {
    const part = selectRows(batch, (r) => shardOf[batch.series[r]!] === k);
    if (part.pointCount > 0) out.push(part);
  }
  return out;
}
