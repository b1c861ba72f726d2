// The store's tail API as an exporter uses it: every appended batch in order with its series
// definitions, a durable cursor that resumes after a restart, the backlog, the end option.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiskStore, TailBatch, TailEntry } from '../../../src/store/index.js';
import type { Tail } from '../../../src/store/index.js';
import { startDiskStore } from '../../support/disk-store.js';
import { buildBatch, seriesDef, tempDir } from '../../support/store-units.js';

const A = seriesDef({ hashHi: 11, hashLo: 1, name: 'a' });
const B = seriesDef({ hashHi: 22, hashLo: 2, name: 'b', kind: 'sum', temporality: 'cumulative', monotonic: true });

let stores: DiskStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.shutdown(1000);
  stores = [];
});

async function open(dir: string): Promise<DiskStore> {
  const { store } = await startDiskStore(dir);
  stores.push(store);
  return store;
}

/** Reads `n` entries, failing instead of hanging when fewer come. */
async function take(tail: Tail, n: number): Promise<TailEntry[]> {
  const out: TailEntry[] = [];
  const it = tail[Symbol.asyncIterator]();
  const deadline = Date.now() + 5000;
  while (out.length < n) {
    const next = await Promise.race([it.next(), new Promise<'late'>((r) => setTimeout(() => r('late'), Math.max(0, deadline - Date.now())))]);
    if (next === 'late') throw new Error(`only ${out.length} of ${n} entries arrived`);
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}

const values = (e: TailEntry): number[] => (e.kind === 'batch' ? Array.from(e.batch.values.subarray(0, e.batch.pointCount)) : []);

describe('store tail', () => {
  it('yields every batch in append order with the definition of each local series', async () => {
    const store = await open(tempDir());
    await store.append(buildBatch([A], [{ series: 0, t: 1000, v: 1 }]));
    await store.append(buildBatch([A, B], [{ series: 0, t: 2000, v: 2 }, { series: 1, t: 2000, v: 20 }]));
    const tail = await store.openTail('exp');
    const [first, second] = (await take(tail, 2)) as TailBatch[];
    expect(values(first!)).toEqual([1]);
    expect(values(second!)).toEqual([2, 20]);
    expect(second!.definitions.map((d) => d?.name)).toEqual(['a', 'b']);
    expect(second!.definitions[1]?.monotonic).toBe(true);
    // Caught up: the next batch arrives as it is appended.
    const later = take(tail, 1);
    await store.append(buildBatch([B], [{ series: 0, t: 3000, v: 30 }], 'none'));
    expect(values((await later)[0]!)).toEqual([30]);
    await tail.close();
  });

  it('resumes after the last committed position when the store is reopened', async () => {
    const dir = tempDir();
    let store = await open(dir);
    for (let i = 1; i <= 3; i++) await store.append(buildBatch([A], [{ series: 0, t: i * 1000, v: i }]));
    let tail = await store.openTail('exp');
    const read = await take(tail, 2);
    await tail.commit(read[0]!.position);
    expect(tail.committed).toEqual(read[0]!.position);
    await store.shutdown(1000);
    stores = [];
    store = await open(dir);
    tail = await store.openTail('exp');
    expect(tail.committed).toEqual(read[0]!.position);
    expect((await take(tail, 2)).map(values)).toEqual([[2], [3]]);
    await tail.close();
  });

  it('counts the backlog in points and starts at the end when asked', async () => {
    const store = await open(tempDir());
    await store.append(buildBatch([A, B], [{ series: 0, t: 1000, v: 1 }, { series: 1, t: 1000, v: 2 }]));
    const fromOldest = await store.openTail('old');
    expect(fromOldest.pendingPoints()).toBe(2);
    await take(fromOldest, 1);
    expect(fromOldest.pendingPoints()).toBe(0);
    const fromEnd = await store.openTail('new', { start: 'end' });
    expect(fromEnd.pendingPoints()).toBe(0);
    const next = take(fromEnd, 1);
    await store.append(buildBatch([A], [{ series: 0, t: 2000, v: 5 }], 'none'));
    expect(values((await next)[0]!)).toEqual([5]);
    await fromOldest.close();
    await fromEnd.close();
  });

  it('reports segments dropped over the budget as a gap with exactly the points it lost', async () => {
    const { store } = await startDiskStore(tempDir(), { max_disk_bytes: 4 * 1024 * 1024 });
    stores.push(store);
    const tail = await store.openTail('lagging');
    const series = Array.from({ length: 1000 }, (_, i) => seriesDef({ hashHi: 100 + i, hashLo: i, name: `s${i}` }));
    let appended = 0;
    for (let round = 0; round < 150; round++) {
      const points = series.map((_, i) => ({ series: i, t: 1000 * (round + 1), v: Math.sin(round * 7 + i) * 1e6 }));
      await store.append(buildBatch(series, points, round === 0 ? 'all' : 'none'));
      appended += points.length;
    }
    // Let budget enforcement finish: the WAL outgrew its share (a quarter of 4 MiB) with the tail behind.
    await new Promise((r) => setTimeout(r, 200));
    expect(store.usage().walBytes).toBeLessThanOrEqual(1.25 * 1024 * 1024);
    let read = 0;
    let lost = 0;
    let gaps = 0;
    while (read + lost < appended) {
      const [e] = await take(tail, 1);
      if (e!.kind === 'gap') {
        gaps++;
        expect(e!.cause).toBe('dropped');
        lost += e!.lostPoints!;
      } else read += e!.batch.pointCount;
    }
    expect(gaps).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    expect(read + lost).toBe(appended);
    expect(tail.pendingPoints()).toBe(0);
    await tail.close();
  });

  it('ends a waiting iteration on close', async () => {
    const store = await open(tempDir());
    const tail = await store.openTail('exp');
    const it = tail[Symbol.asyncIterator]();
    const waiting = it.next();
    await tail.close();
    expect((await waiting).done).toBe(true);
  });
});
