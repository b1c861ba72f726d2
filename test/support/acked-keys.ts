import type { AckedLoad } from './acked-load.js';
import { sampleKey } from './fake-upstream.js';
import { valueFor } from './otlp-points.js';

/** The sample keys (`name{labels} t=v`, as FakeUpstream and rawSamples key them) of every point the agent acknowledged. */
export function ackedKeys(load: AckedLoad): Set<string> {
  const out = new Set<string>();
  for (const s of load.senders) for (const q of s.acked) for (const series of s.series) out.add(sampleKey(series.labels, { t: load.syn.timeOf(q), v: valueFor(series.index, q) }));
  return out;
}

/** The acknowledged keys `delivered` does not hold. */
export const missingFrom = (acked: Set<string>, delivered: (k: string) => boolean): string[] => [...acked].filter((k) => !delivered(k));
