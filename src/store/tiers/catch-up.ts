import type { Logger } from '../../log/index.js';
import { decodePage, decodeRollupPage } from '../encoding/index.js';
import type { PageLocation } from '../ring/index.js';
import type { RollupRunner } from './rollup-runner.js';
import type { Tier } from './tier.js';
import { rowCount, rowsSpanned } from './tier.js';
import type { TierSet } from './tier-set.js';

/** The raw ring as catch-up reads it. */
export interface RawPages {
  readonly refLimit: number;
  /** Newest sample time of the pages of `ref` (exact), -Infinity without pages. */
  maxT(ref: number): number;
  /** Pages that may overlap [minT, maxT] (times rounded outward), oldest first. */
  overlapping(ref: number, minT: number, maxT: number): PageLocation[];
  read(location: PageLocation): Promise<Uint8Array>;
}

/** A lower page read for catch-up, with the exact sample times and points (samples or rows) it covers. */
interface LowerPage {
  readonly minT: number;
  readonly maxT: number;
  readonly count: number;
}

/** Series per worker job. */
const SERIES_PER_JOB = 64;

/**
 * After a start: what the lower tier holds beyond each tier's newest rows is rolled up again —
 * rows that were only pending (in memory) when the agent stopped, or a tier whose files were
 * lost or are new (docs/tiers.md, "Rebuilds"). Tier 2 first, from tier 1's written pages; then
 * tier 1, from raw pages. Whole lower pages are taken (every tier's pages cover whole raw pages),
 * so nothing is counted twice. Live rows of the series concerned wait meanwhile (`hold`), and
 * tier 1 writes nothing until the end, so every tier gets each series' rows in time order.
 * Returns the lower-tier pages read.
 */
export async function catchUp(set: TierSet, raw: RawPages, run: RollupRunner, logger: Logger): Promise<number> {
  const started = Date.now();
  set.catchingUp = true;
  try {
    return await catchUpTiers(set, raw, run, logger, started);
  } finally {
    set.catchingUp = false;
  }
}

async function catchUpTiers(set: TierSet, raw: RawPages, run: RollupRunner, logger: Logger, started: number): Promise<number> {
  let pages = 0;
  const [tier1, tier2] = set.tiers;
  if (tier1 === undefined) return 0;
  const rawRefs: number[] = [];
  // Pages of a series never overlap in time: a lower ring newer than what a tier covers has pages it lacks.
  for (let ref = 0; ref < raw.refLimit; ref++) if (raw.maxT(ref) > tier1.coveredMaxT(ref)) rawRefs.push(ref);
  set.hold(rawRefs);
  if (tier2 !== undefined) {
    const refs = tier1.ring.refs().filter((ref) => tier1.ring.writtenMaxT(ref) > tier2.coveredMaxT(ref));
    pages += await rollUp(refs, set, tier1, tier2, run, set.sketchDelta, async (ref) => {
      if (set.closing) return { entries: [], bytes: [] };
      return newerPages(tier1.ring.overlapping(ref, tier2.coveredMaxT(ref) + 1, Infinity), tier2.coveredMaxT(ref), (l) => tier1.ring.readBytes(l), rollupPageTimes);
    });
  }
  pages += await rollUp(rawRefs, set, null, tier1, run, set.sketchDelta, async (ref) => {
    if (set.closing) return { entries: [], bytes: [] };
    return newerPages(raw.overlapping(ref, tier1.coveredMaxT(ref) + 1, Infinity), tier1.coveredMaxT(ref), (l) => raw.read(l), rawPageTimes);
  }, (ref) => set.release(ref));
  if (pages > 0) logger.info('rollup tiers caught up', { component: 'store', pages, series: rawRefs.length, ms: Date.now() - started });
  return pages;
}

/**
 * Hands the lower pages of each series to `into`: raw pages (`from` null) as they are, for
 * tier 1 to roll up when it writes; or `from`'s rollup pages, joined and merged to `into`'s
 * resolution in the worker pool, groups under `into`'s page_rows. Pending rows are written as
 * they fill.
 */
async function rollUp(
  refs: readonly number[],
  set: TierSet,
  from: Tier | null,
  into: Tier,
  run: RollupRunner,
  sketchDelta: number,
  lower: (ref: number) => Promise<{ entries: LowerPage[]; bytes: Uint8Array[] }>,
  done: (ref: number) => void = () => undefined,
): Promise<number> {
  let read = 0;
  const span = into.ring.settings.pageRows * into.resolutionMs;
  for (let i = 0; i < refs.length; i += SERIES_PER_JOB) {
    const batch = refs.slice(i, i + SERIES_PER_JOB);
    const groups: Uint8Array[][] = [];
    const meta: { ref: number; minT: number; maxT: number; points: number }[] = [];
    const now = Date.now();
    for (const ref of batch) {
      const { entries, bytes } = await lower(ref);
      read += entries.length;
      if (from === null) {
        entries.forEach((e, k) => into.accept(ref, bytes[k]!, e.minT, e.maxT, rowsSpanned(e.minT, e.maxT, into.resolutionMs), e.count, now));
        continue;
      }
      // Consecutive pages up to a page's worth of time per group.
      for (let k = 0; k < entries.length; ) {
        const start = k;
        while (k < entries.length && (k === start || entries[k]!.maxT - entries[start]!.minT < span)) k++;
        groups.push(bytes.slice(start, k));
        meta.push({ ref, minT: entries[start]!.minT, maxT: entries[k - 1]!.maxT, points: entries.slice(start, k).reduce((n, e) => n + e.count, 0) });
      }
    }
    if (from !== null && groups.length > 0) {
      const out = await run({ source: 'rollup', groups, sketch: meta.map(() => true), resolutionMs: from.resolutionMs, nextResolutionMs: into.resolutionMs, sketchDelta });
      meta.forEach((m, g) => {
        const page = out[g * 2 + 1]!;
        into.accept(m.ref, page, m.minT, m.maxT, rowCount(page), m.points, now);
      });
    }
    // A series left out because the store is closing stays held: the next start rolls it up.
    if (!set.closing) for (const ref of batch) done(ref);
    if (from === null) await into.flush(Date.now());
  }
  return read;
}

/**
 * The pages among `candidates` (times rounded outward, so the page holding `after` may be one)
 * whose samples all come after `after`, read, with their exact times from their contents.
 */
async function newerPages(candidates: PageLocation[], after: number, read: (l: PageLocation) => Promise<Uint8Array>, times: (bytes: Uint8Array) => LowerPage): Promise<{ entries: LowerPage[]; bytes: Uint8Array[] }> {
  const all = await Promise.all(candidates.map(read));
  const entries: LowerPage[] = [];
  const bytes: Uint8Array[] = [];
  all.forEach((b) => {
    const e = times(b);
    if (e.minT <= after) return;
    entries.push(e);
    bytes.push(b);
  });
  return { entries, bytes };
}

/** A raw page's first and last sample time (stale markers included) and samples. */
function rawPageTimes(bytes: Uint8Array): LowerPage {
  const p = decodePage(bytes);
  return { minT: p.timestamps[0]!, maxT: p.timestamps[p.count - 1]!, count: p.count };
}

/**
 * A rollup page's sample times from its rows (first and last sample of rows that have some; a
 * row with only a stale marker counts from its bucket's start) and its rows.
 */
function rollupPageTimes(bytes: Uint8Array): LowerPage {
  const { rows, resolutionMs } = decodeRollupPage(bytes);
  let minT = Infinity;
  let maxT = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const has = rows.count[i]! > 0;
    minT = Math.min(minT, has ? rows.firstT[i]! : rows.end[i]! - resolutionMs + 1);
    maxT = Math.max(maxT, has ? rows.lastT[i]! : rows.end[i]! - resolutionMs + 1);
  }
  return { minT, maxT, count: rows.length };
}
