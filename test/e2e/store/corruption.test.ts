import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import type { Lost } from '../../support/damaged-store.js';
import { DamagedStore, nothingLost } from '../../support/damaged-store.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep } from '../../support/store-agent.js';
import type { PageDescriptor } from '../../support/store-files.js';
import { datafileExtents, datafiles, flipBytes, journalEntries, journals, readBytes, truncateTo, WAL_FRAME_HEADER_BYTES, walFrames, walSegments } from '../../support/store-files.js';
import type { Synthetic } from '../../support/synthetic.js';

// Damage to a store, found through the format docs (docs/format/wal.md, datafile.md,
// journal.md, checkpoint.md): the agent still starts, serves every untouched point exactly,
// never serves a value that was not sent, and counts what it skipped. The base store is left by
// SIGKILL so its open pages live only in the WAL (a clean stop would checkpoint them); the
// checkpoint scenarios stop a copy cleanly first.

const dir = tempDir('cairn-corrupt-');
const agents: RunningAgent[] = [];
const store = new DamagedStore(dir.dir, 'corr', agents);
const { paged, head, pagedSeqs: PAGED_SEQS, headSeqs: HEAD_SEQS } = store;
afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

beforeAll(() => store.build(), 30_000);

const scenario = (name: string) => store.scenario(name);
const start = (config: string) => store.start(config);
const verify = (a: RunningAgent, mayLose: Lost, groups?: readonly (readonly [Synthetic, number])[]) => store.verify(a, mayLose, groups);
const pagesCover = (pages: readonly PageDescriptor[]) => store.pagesCover(pages);

describe('the base store', () => {
  it('opens cleanly and serves everything exactly', async () => {
    const { config } = scenario('clean');
    const a = await start(config);
    expect(a.ringOpened).toMatchObject({ journalEntriesSkipped: 0, journalTailsTruncated: 0, extentsRecovered: 0, datafilesDropped: 0 });
    expect(a.storeOpened).toMatchObject({ corruptRecordsSkipped: 0, tornTailBytesTruncated: 0 });
    expect(await verify(a, nothingLost)).toBe(0);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total')).toBe(0);
    await a.stop();
  });
});

describe('WAL damage', () => {
  /** The sample records (type 2) of the head-only group, in append order, with their segment files. */
  function headRecords(store: string): { file: string; offset: number; length: number; end: number }[] {
    const all = walSegments(store).flatMap((seg) => walFrames(readBytes(seg.path)).map((f) => ({ ...f, file: seg.path })));
    const samples = all.filter((f) => f.type === 3); // compact sample records (docs/format/wal.md)
    // The last HEAD_SEQS sample records are the head group's (sent last, one per seq).
    return samples.slice(-HEAD_SEQS);
  }

  it('bytes flipped in the middle of a segment: that record is skipped and counted, the rest is exact', async () => {
    const { path, config } = scenario('wal-flip');
    const records = headRecords(path);
    expect(records.length).toBe(HEAD_SEQS);
    const victim = records[5]!;
    // A valid frame follows in the same segment or in a later one: corruption, not a torn tail.
    flipBytes(victim.file, victim.offset + WAL_FRAME_HEADER_BYTES + Math.floor(victim.length / 2), 4);
    const a = await start(config);
    expect(a.storeOpened).toMatchObject({ corruptRecordsSkipped: 1, tornTailBytesTruncated: 0 });
    expect(a.cairn.logs.some((l) => l['msg'] === 'wal: skipped corrupt bytes' && l['file'] === victim.file && l['offset'] === victim.offset)).toBe(true);
    // Exactly seq 5 of the head group was in that record.
    const lost = await verify(a, (s, q) => s.labels['__name__'] === 'corr_head' && q === 5);
    expect(lost).toBe(head.series.length);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total', { part: 'wal' })).toBe(1);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });

  it('the last segment truncated mid-record: the torn tail is cut and counted, the rest is exact', async () => {
    const { path, config } = scenario('wal-torn');
    const last = walSegments(path).at(-1)!;
    const frames = walFrames(readBytes(last.path));
    const tail = frames.at(-1)!;
    expect(tail.type).toBe(3);
    truncateTo(last.path, tail.offset + WAL_FRAME_HEADER_BYTES + Math.floor(tail.length / 2));
    const a = await start(config);
    expect(a.storeOpened['tornTailBytesTruncated']).toBe(WAL_FRAME_HEADER_BYTES + Math.floor(tail.length / 2));
    expect(a.storeOpened['corruptRecordsSkipped']).toBe(0);
    // The segment now ends where the torn record began.
    expect(walSegments(path).find((s) => s.name === last.name)?.bytes).toBe(tail.offset);
    const lost = await verify(a, (s, q) => s.labels['__name__'] === 'corr_head' && q === HEAD_SEQS - 1);
    expect(lost).toBe(head.series.length);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('datafile damage', () => {
  it('bytes flipped in an extent payload: its pages are skipped and counted once however often queried, everything else is exact', async () => {
    const { path, config } = scenario('extent-flip');
    const file = datafiles(path)[0]!;
    const extents = datafileExtents(readBytes(file.path));
    expect(extents.length).toBeGreaterThanOrEqual(1);
    const victim = extents[0]!;
    flipBytes(file.path, victim.payloadOffset + Math.floor(victim.payloadLength / 2), 2);
    const a = await start(config);
    // Nothing is checked on open (the journal is intact): the damage shows when the extent is read.
    expect(a.ringOpened).toMatchObject({ journalEntriesSkipped: 0, datafilesDropped: 0 });
    // The extent holds the first burst: two pages of each of the 6 paged series. All their
    // points are gone, and nothing else.
    expect(new Set(victim.pages.map((p) => p.seriesRef)).size).toBe(paged.series.length);
    const lost = await verify(a, pagesCover(victim.pages));
    expect(lost).toBe(victim.pages.reduce((n, p) => n + p.count, 0));
    // Asked again: the same answer, and the extent is not read (nor counted) again.
    expect(await verify(a, pagesCover(victim.pages))).toBe(lost);
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_corrupt_skipped_total', { part: 'extent' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(1);
    const logged = a.cairn.logs.filter((l) => l['msg'] === 'store ring: skipped a damaged extent; its pages are not served');
    expect(logged.map((l) => [l['file'], l['offset']])).toEqual([[file.path, victim.offset]]);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('journal damage', () => {
  it('a journal truncated mid-entry: the extents it lost are recovered from the datafile, everything is exact', async () => {
    const { path, config } = scenario('journal-truncated');
    const j = journals(path)[0]!;
    const entries = journalEntries(readBytes(j.path));
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const cut = entries.at(-1)!;
    truncateTo(j.path, cut.offset + 10);
    const a = await start(config);
    expect(a.ringOpened['journalTailsTruncated']).toBe(1);
    expect(a.ringOpened['extentsRecovered']).toBe(1);
    expect(await verify(a, nothingLost)).toBe(0);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
    // Repaired: the journal has all its entries again.
    expect(journalEntries(readBytes(j.path)).length).toBe(entries.length);
  });

  it('bytes flipped in a journal entry: its extent is found again in the datafile, counted as repaired, nothing is lost', async () => {
    const { path, config } = scenario('journal-flip');
    const withTwo = journals(path).find((j) => journalEntries(readBytes(j.path)).length >= 2);
    expect(withTwo, 'a journal with two entries').toBeDefined();
    const entries = journalEntries(readBytes(withTwo!.path));
    const victim = entries[0]!;
    // Inside the copied extent header (the first page's minT), not the length field.
    flipBytes(withTwo!.path, victim.offset + 8 + 16 + 4, 1);
    const a = await start(config);
    expect(a.ringOpened).toMatchObject({ journalEntriesSkipped: 1, journalEntriesRepaired: 1, extentsLost: 0 });
    expect(a.cairn.logs.some((l) => l['msg'] === 'store ring: repaired datafile on open')).toBe(true);
    expect(await verify(a, nothingLost)).toBe(0);
    const m = await a.api.metrics();
    expect(m.sum('cairn_store_repaired_total', { part: 'journal' })).toBe(1);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(0);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
    // The journal is whole again: the next start finds nothing.
    expect(journalEntries(readBytes(withTwo!.path)).map((e) => e.extentOffset)).toEqual(entries.map((e) => e.extentOffset));
  });
});

describe('head checkpoint damage', () => {
  /** A copy of the base store stopped cleanly once: its open pages are now in head/checkpoint.ckp. */
  async function checkpointed(name: string): Promise<{ path: string; config: string; file: string }> {
    const { path, config } = scenario(name);
    const a = await start(config);
    const exit = await a.stop();
    expect(exit, a.cairn.stderrLines.slice(-12).join('\n')).toEqual({ code: 0, signal: null });
    return { path, config, file: join(path, 'head', 'checkpoint.ckp') };
  }

  it('a clean stop writes the head to its checkpoint and the restart serves everything exactly from it', async () => {
    const { config, file } = await checkpointed('ckp-clean');
    expect(readBytes(file).subarray(0, 8).toString('latin1')).toBe('CAIRNCKP');
    const a = await start(config);
    expect(a.cairn.logs.some((l) => l['msg'] === 'head checkpoint restored' && (l['samples'] as number) >= head.series.length * HEAD_SEQS)).toBe(true);
    expect(await verify(a, nothingLost)).toBe(0);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total', { part: 'checkpoint' })).toBe(0);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });

  it('bytes flipped in a block: counted once, and the WAL still behind the checkpoint gives its series back exactly', async () => {
    const { config, file } = await checkpointed('ckp-flip');
    // The first block starts after the 32-byte header; its payload after 8 more bytes.
    flipBytes(file, 32 + 8 + 30, 4);
    const a = await start(config);
    expect(a.cairn.logs.some((l) => l['msg'] === 'skipped a damaged head checkpoint block; the samples of its series since their last page are lost' && l['file'] === file && l['offset'] === 32)).toBe(true);
    expect(await verify(a, nothingLost)).toBe(0);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total', { part: 'checkpoint' })).toBe(1);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });

  it('bytes flipped in a block once the WAL behind it is deleted: its series lose their head samples, counted once, the rest is exact', async () => {
    const { config, file } = await checkpointed('ckp-flip-nowal');
    const b = await start(config);
    // Maintenance (every 5 s) deletes the WAL segments the checkpoint covers.
    // Maintenance (every 5 s) deletes the WAL segments the restored checkpoint covers.
    const covered = b.cairn.logs.find((l) => l['msg'] === 'head checkpoint restored')!['segment'] as number;
    const path = join(file, '..', '..');
    const until = Date.now() + 15_000;
    while (walSegments(path).some((w) => Number(w.name.slice(0, 8)) <= covered)) {
      if (Date.now() > until) throw new Error(`WAL segments up to ${covered} were not deleted within 15 s: ${walSegments(path).map((w) => w.name).join(' ')}`);
      await sleep(200);
    }
    expect(await b.stop()).toEqual({ code: 0, signal: null });
    flipBytes(file, 32 + 8 + 30, 4);
    const a = await start(config);
    expect(await verify(a, nothingLost, [[paged, PAGED_SEQS]])).toBe(0);
    // The whole head group sat in that one block: no page of it was ever written, so its
    // series have no sample left at all.
    expect(await a.api.queryRange('corr_head', head.timeOf(0), head.timeOf(HEAD_SEQS - 1), head.stepMs)).toEqual([]);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total', { part: 'checkpoint' })).toBe(1);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('a damaged header: the checkpoint is dropped and counted, and the WAL still behind it gives the head back exactly', async () => {
    const { config, file } = await checkpointed('ckp-header');
    flipBytes(file, 2, 1);
    const a = await start(config);
    expect(a.cairn.logs.some((l) => l['msg'] === 'head checkpoint unreadable; its samples are lost unless the WAL still holds them' && l['file'] === file && l['offset'] === 0)).toBe(true);
    expect(await verify(a, nothingLost)).toBe(0);
    expect((await a.api.metrics()).sum('cairn_store_corrupt_skipped_total', { part: 'checkpoint' })).toBe(1);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });
});
