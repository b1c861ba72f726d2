/** Joins sample runs into one pair of typed arrays. */
export function concatSamples(parts: readonly { timestamps: Float64Array; values: Float64Array }[]): { timestamps: Float64Array; values: Float64Array } {
  if (parts.length === 1) return { timestamps: parts[0]!.timestamps.slice(), values: parts[0]!.values.slice() };
  const n = parts.reduce((sum, p) => sum + p.timestamps.length, 0);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    timestamps.set(p.timestamps, at);
    values.set(p.values, at);
    at += p.timestamps.length;
  }
  return { timestamps, values };
}
