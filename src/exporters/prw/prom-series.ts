import type { SeriesDefinition } from '../../model/index.js';
import { seriesKey } from '../../model/index.js';
import type { PromLabels, RefResolver, SampleSink } from '../../store/index.js';
import { Flattener } from '../../store/index.js';
import type { ForwardBatch } from '../forward-batch.js';

/** One Prometheus series of a request: its labels and its samples in stored order. */
export interface PromSeries {
  readonly ref: number;
  readonly labels: PromLabels;
  readonly kind: SeriesDefinition['kind'] | 'info';
  /** The OTel series it came from (undefined for `target_info`). */
  readonly def: SeriesDefinition | undefined;
  readonly times: number[];
  readonly values: number[];
  /** Start time (ms) of each sample's point, 0 when none. */
  readonly starts: number[];
}

/**
 * Flattens forwarded batches into Prometheus series exactly as the store names them (the
 * store's own flattener: `_bucket{le}`, `_sum`, `_count`, `{quantile}`, `target_info`, stale
 * markers for NO_RECORDED_VALUE). Label sets get local references that live as long as the
 * exporter, like the store's series references.
 */
export class PromSeriesBuilder implements RefResolver {
  readonly #labels: PromLabels[] = [];
  readonly #refs = new Map<string, number>();
  readonly #flattener = new Flattener(this);
  /** A stable id per OTel series (the flattener caches its Prometheus names by it). */
  readonly #ids = new Map<number, number>();
  readonly #defs: SeriesDefinition[] = [];

  refFor(labels: PromLabels): number {
    const key = JSON.stringify(labels);
    let ref = this.#refs.get(key);
    if (ref === undefined) {
      ref = this.#labels.length;
      this.#labels.push(labels);
      this.#refs.set(key, ref);
    }
    return ref;
  }

  /** The batch's samples grouped by Prometheus series, series in order of first sample. */
  series(batch: ForwardBatch): PromSeries[] {
    const out: PromSeries[] = [];
    const byRef = new Map<number, PromSeries>();
    const labels = this.#labels;
    const sink: SampleSink = {
      push(ref, timeMs, value, row) {
        let s = byRef.get(ref);
        if (s === undefined) {
          const local = row >= 0 ? batch.series[row]! : -1;
          const def = local >= 0 ? batch.definitions[local] : undefined;
          s = { ref, labels: labels[ref]!, kind: def?.kind ?? 'info', def, times: [], values: [], starts: [] };
          byRef.set(ref, s);
          out.push(s);
        }
        s.times.push(timeMs);
        s.values.push(value);
        s.starts.push(row >= 0 ? batch.startMs[row]! : 0);
      },
    };
    const refs = new Int32Array(batch.seriesCount);
    for (let i = 0; i < batch.seriesCount; i++) {
      const def = batch.definitions[i]!;
      const key = seriesKey(def.hashHi, def.hashLo);
      let id = this.#ids.get(key);
      if (id === undefined) {
        id = this.#defs.length;
        this.#ids.set(key, id);
        this.#defs.push(def);
      }
      refs[i] = id;
    }
    this.#flattener.flatten(batch, refs, (id) => this.#defs[id], sink);
    return out;
  }
}
