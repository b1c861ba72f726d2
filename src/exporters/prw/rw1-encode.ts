import { ProtoBuffer } from '../proto-buffer.js';
import type { PromBatch } from './prom-series.js';

/**
 * A Remote Write 1.0 `prometheus.WriteRequest` (uncompressed): one TimeSeries per series with
 * its labels (sorted, `__name__` included; bytes encoded once per series) and its samples.
 */
export function encodeRw1(p: PromBatch, out = new ProtoBuffer()): Buffer {
  out.reset();
  for (let k = 0; k < p.series.length; k++) {
    const ts = out.begin(1);
    out.raw(p.series[k]!.labelBytes);
    for (let j = p.from[k]!; j < p.from[k + 1]!; j++) {
      const i = p.order[j]!;
      const sample = out.begin(2);
      out.double(1, p.values[i]!);
      out.int64(2, p.times[i]!);
      out.end(sample);
    }
    out.end(ts);
  }
  return out.finish();
}
