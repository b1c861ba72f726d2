/** Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that round-trip, never an exponent. */
export function formatGoFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const text = String(f);
  if (!/e/i.test(text)) return text;
  const negative = f < 0;
  const [mantissa, exponentText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  let out: string;
  if (exponent >= 0) out = digits.length - 1 <= exponent ? digits + '0'.repeat(exponent - digits.length + 1) : `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return negative ? `-${out}` : out;
}

/** Go's %v of a float64 for messages. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return String(f);
}
