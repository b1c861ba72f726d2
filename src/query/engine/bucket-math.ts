/** One classic histogram bucket: cumulative count of observations ≤ upperBound. */
export interface Bucket {
  upperBound: number;
  count: number;
}

const MIN_NORMAL = 2.2250738585072014e-308;
/** Differences this small between neighbouring buckets are float noise, not data. */
const SMALL_DELTA = 1e-12;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Sorted by bound, equal bounds merged; undefined when there is no +Inf bucket. */
function prepare(buckets: Bucket[]): Bucket[] | undefined {
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return undefined;
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

/** Removes decreases (cumulative counts cannot fall); returns whether a real one was found. */
function ensureMonotonic(buckets: Bucket[]): boolean {
  let forced = false;
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const cur = buckets[i]!.count;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, SMALL_DELTA)) {
      buckets[i]!.count = prev;
      continue;
    }
    if (cur < prev) {
      buckets[i]!.count = prev;
      forced = true;
      continue;
    }
    prev = cur;
  }
  return forced;
}

/** Prometheus' bucketQuantile: linear interpolation inside the bucket holding the rank. */
export function bucketQuantile(q: number, input: Bucket[]): { value: number; forcedMonotonic: boolean } {
  if (Number.isNaN(q)) return { value: NaN, forcedMonotonic: false };
  if (q < 0) return { value: -Infinity, forcedMonotonic: false };
  if (q > 1) return { value: Infinity, forcedMonotonic: false };
  const buckets = prepare(input);
  if (buckets === undefined) return { value: NaN, forcedMonotonic: false };
  const forcedMonotonic = ensureMonotonic(buckets);
  if (buckets.length < 2) return { value: NaN, forcedMonotonic: false };
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return { value: NaN, forcedMonotonic: false };
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return { value: buckets[buckets.length - 2]!.upperBound, forcedMonotonic };
  if (b === 0 && buckets[0]!.upperBound <= 0) return { value: buckets[0]!.upperBound, forcedMonotonic };
  let start = 0;
  const end = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return { value: start + (end - start) * (rank / count), forcedMonotonic };
}

/** The fraction of observations between lower and upper, interpolating linearly inside buckets. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const buckets = prepare(input);
  if (buckets === undefined) return NaN;
  ensureMonotonic(buckets);
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    const lowerBound = i > 0 ? buckets[i - 1]!.upperBound : b.upperBound > 0 ? 0 : -Infinity;
    const upperBound = b.upperBound;
    // A bucket of infinite width cannot be interpolated: all of it counts at its finite end.
    const interpolate = (v: number): number => (lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound));
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = upperBound === Infinity ? rank : interpolate(lower);

      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = upperBound === Infinity ? rank : interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
