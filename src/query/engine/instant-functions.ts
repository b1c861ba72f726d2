/** Functions of one sample's value (they drop the metric name). */
export const MATH_FUNCTIONS: ReadonlyMap<string, (v: number) => number> = new Map<string, (v: number) => number>([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', Math.log2],
  ['log10', Math.log10],
  ['sgn', (v) => (v > 0 ? 1 : v < 0 ? -1 : v)],
  ['deg', (v) => (v * 180) / Math.PI],
  ['rad', (v) => (v * Math.PI) / 180],
  ['cos', Math.cos],
  ['sin', Math.sin],
  ['tan', Math.tan],
  ['acos', Math.acos],
  ['asin', Math.asin],
  ['atan', Math.atan],
  ['cosh', Math.cosh],
  ['sinh', Math.sinh],
  ['tanh', Math.tanh],
  ['acosh', Math.acosh],
  ['asinh', Math.asinh],
  ['atanh', Math.atanh],
]);

/** Date functions of a Unix time in seconds, in UTC (Go truncates the float to whole seconds). */
export const DATE_FUNCTIONS: ReadonlyMap<string, (d: Date) => number> = new Map<string, (d: Date) => number>([
  ['day_of_month', (d) => d.getUTCDate()],
  ['day_of_week', (d) => d.getUTCDay()],
  ['day_of_year', (d) => Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1],
  ['days_in_month', (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()],
  ['hour', (d) => d.getUTCHours()],
  ['minute', (d) => d.getUTCMinutes()],
  ['month', (d) => d.getUTCMonth() + 1],
  ['year', (d) => d.getUTCFullYear()],
]);

/** A Date for Unix seconds as Go's time.Unix(int64(v), 0) sees them. */
export function dateOf(seconds: number): Date {
  const d = new Date(0);
  d.setTime(Math.trunc(seconds) * 1000);
  return d;
}

/** Go's math.Floor(v*inv+0.5)/inv: halves round up, as Prometheus' round() does. */
export function roundTo(v: number, toNearest: number): number {
  const inverse = 1 / toNearest;
  return Math.floor(v * inverse + 0.5) / inverse;
}
