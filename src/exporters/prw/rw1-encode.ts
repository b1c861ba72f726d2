import { ProtoBuffer } from '../proto-buffer.js';
import type { PromSeries } from './prom-series.js';

/**
 * A Remote Write 1.0 `prometheus.WriteRequest` (uncompressed): one TimeSeries per series with
 * its labels (sorted, `__name__` included) and samples in time order.
 */
export function encodeRw1(series: readonly PromSeries[], out = new ProtoBuffer()): Buffer {
  out.reset();
  for (const s of series) {
    const ts = out.begin(1);
    for (const [name, value] of s.labels) {
      const l = out.begin(1);
      out.string(1, name);
      out.string(2, value);
      out.end(l);
    }
    for (let i = 0; i < s.times.length; i++) {
      const sample = out.begin(2);
      out.double(1, s.values[i]!);
      out.int64(2, s.times[i]!);
      out.end(sample);
    }
    out.end(ts);
  }
  return out.finish();
}
