/** Flattened samples of one batch as columns (reused from batch to batch). */
export class SampleColumns {
  refs = new Uint32Array(4096);
  times = new Float64Array(4096);
  values = new Float64Array(4096);
  length = 0;

  push(ref: number, timeMs: number, value: number, _row?: number): void {
    const i = this.length++;
    if (i === this.refs.length) this.#grow();
    this.refs[i] = ref;
    this.times[i] = timeMs;
    this.values[i] = value;
  }

  /** Removes the samples of float series flagged in `skip` (by ref), keeping the order. */
  dropRefs(skip: Uint8Array): void {
    let out = 0;
    for (let i = 0; i < this.length; i++) {
      const ref = this.refs[i]!;
      if (ref < skip.length && skip[ref] === 1) continue;
      this.refs[out] = ref;
      this.times[out] = this.times[i]!;
      this.values[out] = this.values[i]!;
      out++;
    }
    this.length = out;
  }

  #grow(): void {
    const n = this.refs.length * 2;
    const refs = new Uint32Array(n);
    refs.set(this.refs);
    const times = new Float64Array(n);
    times.set(this.times);
    const values = new Float64Array(n);
    values.set(this.values);
    this.refs = refs;
    this.times = times;
    this.values = values;
  }
}

/**
 * Where flattened samples go, by series reference; `row` is the batch point a sample came from
 * (-1 for `target_info`), for sinks that need more of the point (remote write 2.0's start time).
 */
export interface SampleSink {
  push(ref: number, timeMs: number, value: number, row: number): void;
}
