import { hashOut, hashStrings } from './hash.js';

/** The 64-bit key of a metric name for per-metric series counts (two 32-bit halves, in hashOut's form). */
export function metricKey(name: string): { readonly hi: number; readonly lo: number } {
  hashStrings([name], 0x6d657472, 0x69636b79);
  return { hi: hashOut.hi, lo: hashOut.lo };
}
