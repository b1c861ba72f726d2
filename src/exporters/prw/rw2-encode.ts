import { ProtoBuffer } from '../proto-buffer.js';
import type { PromBatch, PromSeriesInfo } from './prom-series.js';

// io.prometheus.write.v2.Metadata.MetricType
const METRIC_TYPE = { counter: 1, gauge: 2, histogram: 3, summary: 5, info: 6 } as const;

/**
 * A Remote Write 2.0 `io.prometheus.write.v2.Request` (uncompressed): a symbols table (index 0
 * is ''), per series its label references, samples with `start_timestamp` (field 3) from the
 * point's start time, and metadata (type, help, unit).
 */
export function encodeRw2(p: PromBatch, out = new ProtoBuffer()): Buffer {
  out.reset();
  const symbols = new Map<string, number>([['', 0]]);
  const sym = (s: string): number => {
    let i = symbols.get(s);
    if (i === undefined) symbols.set(s, (i = symbols.size));
    return i;
  };
  // Series first into a second buffer, since the symbols they use come first in the message.
  const body = new ProtoBuffer(64 * 1024);
  for (let k = 0; k < p.series.length; k++) {
    const s = p.series[k]!;
    const ts = body.begin(5);
    const refs = body.begin(1);
    for (const [name, value] of s.labels) {
      body.uvarint(sym(name));
      body.uvarint(sym(value));
    }
    body.end(refs);
    for (let j = p.from[k]!; j < p.from[k + 1]!; j++) {
      const i = p.order[j]!;
      const sample = body.begin(2);
      body.double(1, p.values[i]!);
      body.int64(2, p.times[i]!);
      if (p.starts[i]! > 0) body.int64(3, p.starts[i]!);
      body.end(sample);
    }
    const md = body.begin(5);
    body.tag(1, 0);
    body.uvarint(metricType(s));
    if (s.def !== undefined && s.def.description !== '') {
      body.tag(3, 0);
      body.uvarint(sym(s.def.description));
    }
    if (s.def !== undefined && s.def.unit !== '') {
      body.tag(4, 0);
      body.uvarint(sym(s.def.unit));
    }
    body.end(md);
    body.end(ts);
  }
  for (const s of symbols.keys()) out.string(4, s);
  out.raw(body.finish());
  return out.finish();
}

function metricType(s: PromSeriesInfo): number {
  switch (s.kind) {
    case 'sum':
      return s.def!.monotonic ? METRIC_TYPE.counter : METRIC_TYPE.gauge;
    case 'exponential_histogram':
      return METRIC_TYPE.histogram;
    default:
      return METRIC_TYPE[s.kind];
  }
}
