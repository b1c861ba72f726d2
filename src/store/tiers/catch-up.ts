import type { Logger } from '../../log/index.js';
import type { PageEntry } from '../series/index.js';
import type { RollupRunner } from './rollup-runner.js';
import type { Tier } from './tier.js';
import { rowCount } from './tier.js';
import type { TierSet } from './tier-set.js';

/** The raw ring as catch-up reads it. */
export interface RawPages {
  readonly refLimit: number;
  overlapping(ref: number, minT: number, maxT: number): PageEntry[];
  read(entry: PageEntry): Promise<Uint8Array>;
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
  for (let ref = 0; ref < raw.refLimit; ref++) {
    const from = tier1.coveredMaxT(ref);
    if (raw.overlapping(ref, from + 1, Infinity).some((e) => e.minT > from)) rawRefs.push(ref);
  }
  set.hold(rawRefs);
  if (tier2 !== undefined) {
    const refs = [...tier1.ring.refs()].filter((ref) => tier1.ring.overlapping(ref, tier2.coveredMaxT(ref) + 1, Infinity).some((e) => e.minT > tier2.coveredMaxT(ref)));
    pages += await rollUp(refs, set, tier1, tier2, run, set.sketchDelta, async (ref) => {
      const after = tier2.coveredMaxT(ref);
      const entries = tier1.ring.overlapping(ref, after + 1, Infinity).filter((e) => e.minT > after);
      if (set.closing) return { entries: [], bytes: [] };
      return { entries, bytes: await Promise.all(entries.map((e) => tier1.ring.readBytes(e))) };
    });
  }
  pages += await rollUp(rawRefs, set, null, tier1, run, set.sketchDelta, async (ref) => {
    if (set.closing) return { entries: [], bytes: [] };
    const after = tier1.coveredMaxT(ref);
    const entries = raw.overlapping(ref, after + 1, Infinity).filter((e) => e.minT > after);
    return { entries, bytes: await Promise.all(entries.map((e) => raw.read(e))) };
  }, (ref) => set.sketchFor(ref), (ref) => set.release(ref));
  if (pages > 0) logger.info('rollup tiers caught up', { component: 'store', pages, series: rawRefs.length, ms: Date.now() - started });
  return pages;
}

/**
 * Rolls the lower pages of each series up into `into`: from raw pages (`from` null) at `into`'s
 * resolution, or from `from`'s rollup pages, joined and merged to `into`'s resolution. Groups
 * stay under `into`'s page_rows, and pending rows are written as they fill.
 */
async function rollUp(
  refs: readonly number[],
  set: TierSet,
  from: Tier | null,
  into: Tier,
  run: RollupRunner,
  sketchDelta: number,
  lower: (ref: number) => Promise<{ entries: PageEntry[]; bytes: Uint8Array[] }>,
  sketch: (ref: number) => boolean = () => true,
  done: (ref: number) => void = () => undefined,
): Promise<number> {
  let read = 0;
  const span = into.ring.settings.pageRows * into.resolutionMs;
  for (let i = 0; i < refs.length; i += SERIES_PER_JOB) {
    const batch = refs.slice(i, i + SERIES_PER_JOB);
    const groups: Uint8Array[][] = [];
    const meta: { ref: number; minT: number; maxT: number; points: number }[] = [];
    for (const ref of batch) {
      const { entries, bytes } = await lower(ref);
      read += entries.length;
      // Consecutive pages up to a page's worth of time per group.
      for (let k = 0; k < entries.length; ) {
        const start = k;
        while (k < entries.length && (k === start || entries[k]!.maxT - entries[start]!.minT < span)) k++;
        groups.push(bytes.slice(start, k));
        meta.push({ ref, minT: entries[start]!.minT, maxT: entries[k - 1]!.maxT, points: entries.slice(start, k).reduce((n, e) => n + e.count, 0) });
      }
    }
    if (groups.length > 0) {
      const source = from === null ? 'raw' : 'rollup';
      const out = await run({ source, groups, sketch: meta.map((m) => sketch(m.ref)), resolutionMs: from === null ? into.resolutionMs : from.resolutionMs, nextResolutionMs: from === null ? 0 : into.resolutionMs, sketchDelta });
      const stride = from === null ? 1 : 2;
      const now = Date.now();
      meta.forEach((m, g) => {
        const page = out[g * stride + stride - 1]!;
        into.accept(m.ref, page, m.minT, m.maxT, rowCount(page), m.points, now);
      });
    }
    // A series left out because the store is closing stays held: the next start rolls it up.
    if (!set.closing) for (const ref of batch) done(ref);
    if (from === null) await into.flush(Date.now());
  }
  return read;
}
