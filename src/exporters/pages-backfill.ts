import type { SeriesDefinition } from '../model/index.js';
import { BatchBuilder, hashOut, hashStrings } from '../model/index.js';
import type { Querier } from '../query/index.js';
import type { PromLabels } from '../store/index.js';
import type { ForwardBatch } from './forward-batch.js';

/** Query window: bounds the samples held at once while a long span is re-read. */
const WINDOW_MS = 5 * 60_000;
/** How far before the gap's start a series that lags the others is looked for. */
const LAG_MS = 10 * 60_000;
const ALL = [{ name: '__name__', type: '=~', value: '.+' }] as const;

export interface BackfillSpan {
  /** Newest point read before the lost span (ms). */
  readonly afterMs: number;
}

/**
 * Re-reads a span the WAL lost (its oldest segments went over budget while the exporter lagged)
 * from the store's pages, where its float samples were flushed before the segments were
 * deleted, as remote write batches. A series gets its samples after the newest it was already
 * sent (`newestSent`), or from `LAG_MS` before the span if this process never sent it, up to
 * now: where the span ends differs per series (sources run at different clocks), so the re-read
 * goes on over what the WAL still holds, and the encoder then skips those samples when the WAL
 * brings them again (`fromPages`). Nothing older than what the upstream has from us is sent. The batches are gauges whose
 * names and labels are the stored Prometheus ones, so the remote write encoder sends exactly
 * the stored series. Memory: one query window at a time.
 */
export async function* backfillFromPages(
  querier: Querier,
  span: BackfillSpan,
  maxBatchPoints: number,
  newestSent: (labels: PromLabels) => number | undefined,
  now: () => number,
  leaveOut: (def: SeriesDefinition) => boolean = () => false,
): AsyncGenerator<ForwardBatch> {
  // Up to the end of the current window past now; later points come from the WAL alone.
  const end = now() + 1;
  const defs = new Map<string, SeriesDefinition>();
  let builder = new Batch(maxBatchPoints);
  for (let from = span.afterMs - LAG_MS; from < end; from += WINDOW_MS) {
    const to = Math.min(end, from + WINDOW_MS);
    for (const s of await querier.select(ALL, from, to)) {
      // A series not sent since the agent started may lag the others: all of the window counts.
      const def = definitionOf(s.labels, defs);
      if (leaveOut(def)) continue;
      const floor = newestSent(s.labels) ?? -Infinity;
      for (let i = 0; i < s.timestamps.length; i++) {
        const t = s.timestamps[i]!;
        // Windows overlap at their edges (inclusive bounds): `to` is taken by the next window.
        if (t <= floor || t < from || t >= to || t >= end) continue;
        builder.add(def, t, s.values[i]!);
        if (builder.full) {
          yield builder.finish();
          builder = new Batch(maxBatchPoints);
        }
      }
    }
  }
  if (builder.points > 0) yield builder.finish();
}

/** A gauge definition that the store's flattener turns back into exactly these labels. */
function definitionOf(labels: PromLabels, cache: Map<string, SeriesDefinition>): SeriesDefinition {
  const key = JSON.stringify(labels);
  let def = cache.get(key);
  if (def === undefined) {
    hashStrings(['pages', key]);
    const name = labels.find(([k]) => k === '__name__')?.[1] ?? '';
    const attributes = labels.filter(([k]) => k !== '__name__');
    def = { hashHi: hashOut.hi, hashLo: hashOut.lo, name, kind: 'gauge', temporality: 'unspecified', monotonic: false, unit: '', description: '', resource: [], scopeName: '', scopeVersion: '', attributes };
    cache.set(key, def);
  }
  return def;
}

/** Rows of one batch being filled. */
class Batch {
  readonly #b = new BatchBuilder();
  readonly #locals = new Map<SeriesDefinition, number>();
  readonly #defs: SeriesDefinition[] = [];
  readonly #max: number;
  #min = Infinity;
  #newest = -Infinity;

  constructor(max: number) {
    this.#max = max;
  }

  get points(): number {
    return this.#b.pointCount;
  }

  get full(): boolean {
    return this.#b.pointCount >= this.#max;
  }

  add(def: SeriesDefinition, t: number, v: number): void {
    let local = this.#locals.get(def);
    if (local === undefined) {
      local = this.#b.addSeries(def.hashHi, def.hashLo);
      this.#locals.set(def, local);
      this.#defs.push(def);
    }
    this.#b.addPoint(local, 0, t, v, 0);
    if (t < this.#min) this.#min = t;
    if (t > this.#newest) this.#newest = t;
  }

  finish(): ForwardBatch {
    return { ...this.#b.finish(), definitions: this.#defs, minTimeMs: this.#min, maxTimeMs: this.#newest, fromPages: true };
  }
}
