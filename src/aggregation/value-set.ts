import tdigest from 'tdigest';
import type { TDigest } from 'tdigest';
import { quantile } from '../query/index.js';
import { packF64, unpackF64 } from './f64-pack.js';

/** Values kept exactly per group and interval; past this, a t-digest (docs/aggregation.md). */
export const EXACT_VALUES = 4096;
/** The digest's compression: a centroid near the median holds at most about 1 % of the values. */
const DELTA = 0.01;

/** A snapshot: the exact values, or the digest's centroids (mean, weight pairs), as f64b64. */
export type ValueSetSnapshot = string | { readonly centroids: string };

/**
 * The values of one output group in one interval, for `quantiles`: exact (Prometheus'
 * quantile over them) up to EXACT_VALUES, then folded into a t-digest so that a group fed
 * thousands of samples per interval holds a bounded sketch, not every value (NaN values are
 * then left out: a digest orders its values).
 */
export class ValueSet {
  #values: number[] | null = [];
  #digest: TDigest | null = null;

  add(v: number): void {
    if (this.#values !== null) {
      this.#values.push(v);
      if (this.#values.length > EXACT_VALUES) this.#fold();
      return;
    }
    if (!Number.isNaN(v)) this.#digest!.push(v);
  }

  quantile(phi: number): number {
    if (this.#values !== null) return quantile(phi, [...this.#values]);
    if (Number.isNaN(phi)) return NaN;
    if (phi < 0) return -Infinity;
    if (phi > 1) return Infinity;
    return this.#digest!.n === 0 ? NaN : this.#digest!.percentile(phi);
  }

  snapshot(): ValueSetSnapshot {
    if (this.#values !== null) return packF64(Float64Array.from(this.#values), this.#values.length);
    const cs = this.#digest!.toArray();
    const pairs = new Float64Array(cs.length * 2);
    cs.forEach((c, i) => {
      pairs[2 * i] = c.mean;
      pairs[2 * i + 1] = c.n;
    });
    return { centroids: packF64(pairs, pairs.length) };
  }

  static restore(s: ValueSetSnapshot | (number | null)[]): ValueSet {
    const set = new ValueSet();
    if (Array.isArray(s)) set.#values = s.map((x) => x ?? NaN);
    else if (typeof s === 'string') set.#values = Array.from(unpackF64(s));
    else {
      const pairs = unpackF64(s.centroids);
      set.#values = null;
      set.#digest = new tdigest.TDigest(DELTA, 0);
      for (let i = 0; i + 1 < pairs.length; i += 2) set.#digest.push(pairs[i]!, pairs[i + 1]!);
    }
    return set;
  }

  #fold(): void {
    this.#digest = new tdigest.TDigest(DELTA, 0);
    for (const v of this.#values!) if (!Number.isNaN(v)) this.#digest.push(v);
    this.#values = null;
  }
}
