/** The outputs a rule may ask for (docs/aggregation.md), named as vmagent names them. */
export const OUTPUT_KINDS = ['total', 'increase', 'count_samples', 'sum_samples', 'min', 'max', 'avg', 'last', 'stddev', 'stdvar', 'count_series', 'quantiles'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface OutputSpec {
  readonly kind: OutputKind;
  /** quantiles(φ, …): the φs, each in [0, 1]. */
  readonly phis: readonly number[];
}

const QUANTILES = /^quantiles\(\s*([^)]*)\)$/;

/** Parses one entry of `outputs`, or returns what is wrong with it. */
export function parseOutput(text: string): OutputSpec | string {
  const q = QUANTILES.exec(text.trim());
  if (q !== null) {
    const phis = q[1]!.split(',').map((p) => Number(p.trim()));
    if (phis.length === 0 || phis.some((p) => q[1]!.trim() === '' || !(p >= 0 && p <= 1))) return 'quantiles(φ, …) with each φ between 0 and 1';
    return { kind: 'quantiles', phis };
  }
  if ((OUTPUT_KINDS as readonly string[]).includes(text) && text !== 'quantiles') return { kind: text as OutputKind, phis: [] };
  return `one of: ${OUTPUT_KINDS.filter((k) => k !== 'quantiles').join(', ')}, quantiles(φ, …)`;
}

/** A duration as Prometheus writes it (1m, 90s → 1m30s), for output names. */
export function durationText(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's'], [1, 'ms']];
  let rest = ms;
  let out = '';
  for (const [size, unit] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out === '' ? '0s' : out;
}
