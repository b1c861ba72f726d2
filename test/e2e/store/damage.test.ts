import { unlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import type { Lost } from '../../support/damaged-store.js';
import { DamagedStore, nothingLost } from '../../support/damaged-store.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { datafileExtents, datafiles, flipBytes, indexFile, indexRecords, readBytes, truncateTo } from '../../support/store-files.js';

// Issue: damage costs only the damaged part. One record of each index file and one datafile
// damaged in a cleanly stopped store whose paged points are in pages only (the WAL no longer
// holds them): exact counts of what is lost, everything else served exactly, every loss counted
// once in cairn_store_corrupt_skipped_total{part} and logged once with file and offset.

const dir = tempDir('cairn-damage-');
const agents: RunningAgent[] = [];
const store = new DamagedStore(dir.dir, 'dmg', agents);
afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

beforeAll(() => store.build({ trimWal: true }), 40_000);

/** The record of an index file holding the paged group's entries. */
function pagedRecord(path: string): { offset: number; length: number } {
  const found = indexRecords(readBytes(path)).find((r) => JSON.stringify(r.entries).includes('dmg-paged'));
  expect(found, `a record of ${path} naming the paged series`).toBeDefined();
  return found!;
}

const pagedSeries: Lost = (s) => s.labels['__name__'] === 'corr_paged';

async function stopAndRestartClean(a: RunningAgent, config: string): Promise<RunningAgent> {
  expect(await a.stop()).toEqual({ code: 0, signal: null });
  const again = await store.start(config);
  const m = await again.api.metrics();
  // Counted once: the damage was repaired or cut out, the next start finds nothing.
  expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(0);
  expect(m.sum('cairn_store_repaired_total')).toBe(0);
  return again;
}

async function stopped(a: RunningAgent): Promise<void> {
  expect(await a.stop()).toEqual({ code: 0, signal: null });
}

describe('index/series.csr', () => {
  it.each([
    ['a payload byte of one record', (path: string) => flipBytes(path, pagedRecord(path).offset + 12, 1)],
    ['the length field of the first record (which used to truncate the file there)', (path: string) => flipBytes(path, 16 + 1, 1)],
    ['random bytes over the header', (path: string) => flipBytes(path, 0, 16)],
    ['zeros over the start of the file', (path: string) => zeroStart(path, 64)],
  ])('%s damaged in one copy: restored from the other, nothing lost, counted once as repaired', async (what, damage) => {
    const { path, config } = store.scenario(`series-one-${what.replace(/\W+/g, '-')}`);
    damage(indexFile(path, 'series.csr'));
    const a = await store.start(config);
    expect(await store.verify(a, nothingLost)).toBe(0);
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_repaired_total', { part: 'index' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(0);
    const logged = a.cairn.logs.filter((l) => l['msg'] === 'store: index file repaired from its copy');
    expect(logged.map((l) => l['file'])).toEqual([indexFile(path, 'series.csr')]);
    const again = await stopAndRestartClean(a, config);
    expect(await store.verify(again, nothingLost)).toBe(0);
    await stopped(again);
  });

  it('the same record damaged in both copies: exactly the paged points are lost (their series are no longer found), counted and logged once; the rest is exact', async () => {
    const { path, config } = store.scenario('series-both');
    const record = pagedRecord(indexFile(path, 'series.csr'));
    for (const name of ['series.csr', 'series-copy.csr']) flipBytes(indexFile(path, name), record.offset + 12, 1);
    const a = await store.start(config);
    expect(await store.verify(a, pagedSeries)).toBe(store.paged.series.length * store.pagedSeqs);
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_corrupt_skipped_total', { part: 'index' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(1);
    const lost = a.cairn.logs.filter((l) => l['msg'] === 'store: index records lost');
    expect(lost.map((l) => [l['file'], l['offset']])).toEqual([[indexFile(path, 'series.csr'), record.offset]]);
    // The paged series: on disk, no longer findable.
    const orphans = a.cairn.logs.find((l) => l['msg'] === 'store: pages of series whose index entries are lost cannot be queried');
    expect(orphans?.['series']).toBe(store.paged.series.length);
    const again = await stopAndRestartClean(a, config);
    expect(await store.verify(again, pagedSeries)).toBe(store.paged.series.length * store.pagedSeqs);
    await stopped(again);
  });
});

describe('index/definitions.cdf', () => {
  it("the paged group's record damaged in one copy: repaired; in both: counted once as lost, and every point is still served", async () => {
    for (const copies of [['definitions.cdf'], ['definitions.cdf', 'definitions-copy.cdf']]) {
      const { path, config } = store.scenario(`definitions-${copies.length}`);
      const record = pagedRecord(indexFile(path, 'definitions.cdf'));
      for (const name of copies) flipBytes(indexFile(path, name), record.offset + 12, 1);
      const a = await store.start(config);
      expect(await store.verify(a, nothingLost)).toBe(0);
      const m = await a.api.metrics();
      expect(m.sum('cairn_store_repaired_total', { part: 'index' })).toBe(copies.length === 1 ? 1 : 0);
      expect(m.sum('cairn_store_corrupt_skipped_total', { part: 'index' })).toBe(copies.length === 1 ? 0 : 1);
      await stopped(await stopAndRestartClean(a, config));
    }
  });
});

describe('datafiles', () => {
  it('one byte of a datafile header: the header is written again, nothing lost, counted once as repaired', async () => {
    const { path, config } = store.scenario('datafile-header');
    flipBytes(datafiles(path)[0]!.path, 9, 1);
    const a = await store.start(config);
    expect(a.ringOpened).toMatchObject({ datafileHeadersRepaired: 1, datafilesDropped: 0 });
    expect(await store.verify(a, nothingLost)).toBe(0);
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_repaired_total', { part: 'datafile' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(0);
    await stopped(await stopAndRestartClean(a, config));
  });

  it('a datafile deleted: exactly the points of its pages are lost, counted once as a lost datafile, logged with the file', async () => {
    const { path, config } = store.scenario('datafile-deleted');
    const victim = datafiles(path)[0]!;
    const pages = datafileExtents(readBytes(victim.path)).flatMap((e) => e.pages);
    unlinkSync(victim.path);
    const a = await store.start(config);
    expect(await store.verify(a, store.pagesCover(pages))).toBe(pages.reduce((n, p) => n + p.count, 0));
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_corrupt_skipped_total', { part: 'datafile' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(1);
    expect(a.cairn.logs.filter((l) => l['msg'] === 'store ring: a datafile is missing; its data is lost').map((l) => l['file'])).toEqual([victim.path]);
    await stopped(await stopAndRestartClean(a, config));
  });

  it('an older datafile cut in the middle of an extent: exactly the points of that extent are lost, counted once', async () => {
    const { path, config } = store.scenario('datafile-cut');
    const victim = datafiles(path)[0]!;
    const extent = datafileExtents(readBytes(victim.path)).at(-1)!;
    truncateTo(victim.path, extent.offset + Math.floor(extent.length / 2));
    const a = await store.start(config);
    expect(await store.verify(a, store.pagesCover(extent.pages))).toBe(extent.pages.reduce((n, p) => n + p.count, 0));
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_corrupt_skipped_total', { part: 'extent' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(1);
    expect(a.cairn.logs.filter((l) => l['msg'] === 'store ring: lost extents').map((l) => [l['file'], l['offset']])).toEqual([[victim.path, extent.offset]]);
    await stopped(await stopAndRestartClean(a, config));
  });
});

/** Zeros over the first `bytes` bytes of a file. */
function zeroStart(path: string, bytes: number): void {
  const data = readBytes(path);
  data.fill(0, 0, Math.min(bytes, data.length));
  writeFileSync(path, data);
}
