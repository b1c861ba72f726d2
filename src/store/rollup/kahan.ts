/**
 * Kahan–Neumaier summation, the same steps as the query engine's sum_over_time (and
 * Prometheus' kahanSumInc), so a row's sum is what the engine would have summed over its samples.
 */
export class KahanAccumulator {
  sum = 0;
  c = 0;

  reset(first: number): void {
    this.sum = first;
    this.c = 0;
  }

  add(v: number): void {
    const sum = this.sum;
    const next = sum + v;
    if (next === Infinity || next === -Infinity) this.c = 0;
    else if (Math.abs(sum) >= Math.abs(v)) this.c += sum - next + v;
    else this.c += v - next + sum;
    this.sum = next;
  }

  get value(): number {
    return this.sum + this.c;
  }
}
