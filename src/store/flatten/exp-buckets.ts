/**
 * Exponential histogram points as classic cumulative buckets (docs/store.md): the finest scale
 * kept as `_bucket{le}` series. A point of a finer scale is downscaled to it (buckets merged
 * exactly, as the OTel data model allows); a coarser point keeps its own boundaries, which are
 * also boundaries of this scale. At scale 3 a bucket spans 2^(1/8) ≈ 1.09×, so
 * `histogram_quantile` is within about 4.5 % of the value; a latency range of 1 ms to 10 s
 * takes about 106 bucket series.
 */
export const MAX_BUCKET_SCALE = 3;

/** Upper bounds (ascending, `+Inf` left out) and cumulative counts of one point; reused between calls. */
export interface ClassicBuckets {
  bounds: Float64Array;
  cumulative: Float64Array;
  length: number;
}

/** Payload fields after the header (docs/internal-model.md): scale, zero bucket, then the positive side. */
const SCALE = 4;
const ZERO_COUNT = 5;
const ZERO_THRESHOLD = 6;
const POSITIVE = 7;

/**
 * The point's buckets at `extra[at…]` as classic ones: negative buckets (most negative first,
 * each up to −base^index), the zero bucket up to its threshold, then the positive buckets up to
 * base^(index+1). Boundaries that would not increase (a threshold above the first positive
 * bound) are merged into the one before.
 */
export function classicBuckets(x: Float64Array, at: number, out: ClassicBuckets): ClassicBuckets {
  const scale = x[at + SCALE]!;
  const s = Math.min(scale, MAX_BUCKET_SCALE);
  const factor = 2 ** (scale - s);
  const width = 2 ** -s;
  const posOffset = x[at + POSITIVE]!;
  const nPos = x[at + POSITIVE + 1]!;
  const negAt = at + POSITIVE + 2 + nPos;
  const negOffset = x[negAt]!;
  const nNeg = x[negAt + 1]!;
  out.length = 0;
  ensure(out, nPos + nNeg + 1);
  let cumulative = 0;
  // Negative side: bucket j holds values in [−base^(j+1), −base^j); the largest j comes first.
  for (let k = nNeg - 1; k >= 0; ) {
    const j = Math.floor((negOffset + k) / factor);
    for (; k >= 0 && Math.floor((negOffset + k) / factor) === j; k--) cumulative += x[negAt + 2 + k]!;
    push(out, -(2 ** (j * width)), cumulative);
  }
  const threshold = x[at + ZERO_THRESHOLD]!;
  cumulative += x[at + ZERO_COUNT]!;
  push(out, Number.isNaN(threshold) ? 0 : threshold, cumulative);
  for (let k = 0; k < nPos; ) {
    const j = Math.floor((posOffset + k) / factor);
    for (; k < nPos && Math.floor((posOffset + k) / factor) === j; k++) cumulative += x[at + POSITIVE + 2 + k]!;
    push(out, 2 ** ((j + 1) * width), cumulative);
  }
  return out;
}

function push(out: ClassicBuckets, bound: number, cumulative: number): void {
  const n = out.length;
  if (n > 0 && !(bound > out.bounds[n - 1]!)) {
    out.cumulative[n - 1] = cumulative;
    return;
  }
  out.bounds[n] = bound;
  out.cumulative[n] = cumulative;
  out.length = n + 1;
}

function ensure(out: ClassicBuckets, n: number): void {
  if (out.bounds.length >= n) return;
  out.bounds = new Float64Array(n * 2);
  out.cumulative = new Float64Array(n * 2);
}
