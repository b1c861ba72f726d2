/**
 * Kahan–Neumaier summation as Prometheus sums (kahanSumInc): `sum` and its compensation `c`.
 * A mutable accumulator, so the hot loops allocate nothing per sample.
 */
export class KahanSum {
  sum: number;
  c = 0;

  constructor(initial = 0) {
    this.sum = initial;
  }

  add(inc: number): void {
    const sum = this.sum;
    const t = sum + inc;
    if (t === Infinity || t === -Infinity) this.c = 0;
    // `c += …`: the correction is summed first, then added (the order matters at these magnitudes).
    else if (Math.abs(sum) >= Math.abs(inc)) this.c += (sum - t) + inc;
    else this.c += (inc - t) + sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.c;
  }
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
