/** Kahan–Neumaier summation step, as Prometheus sums: returns the new sum and compensation. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) return [t, 0];
  // `c += …`: the correction is summed first, then added (the order matters at these magnitudes).
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + ((sum - t) + inc)];
  return [t, c + ((inc - t) + sum)];
}

/** Prometheus' sort order for quantiles: NaN first, then ascending. */
export function byValueWithNaNFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

/** Prometheus' quantile over values (sorted here): weighted between the two nearest ranks. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(byValueWithNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}
