/**
 * `le` and `quantile` values as Prometheus writes them (Go's FormatFloat 'f', -1): the
 * shortest digits that round-trip, never an exponent (`1e-7` → `0.0000001`), `+Inf`.
 */
export function formatLabelFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s.startsWith('-') ? '-' : '';
  const mantissa = s.slice(sign.length, e).replace('.', '');
  const exponent = Number(s.slice(e + 1));
  const point = (s.slice(sign.length, e).indexOf('.') + 1 || s.slice(sign.length, e).length + 1) - 1 + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${mantissa}`;
  if (point >= mantissa.length) return `${sign}${mantissa}${'0'.repeat(point - mantissa.length)}`;
  return `${sign}${mantissa.slice(0, point)}.${mantissa.slice(point)}`;
}
