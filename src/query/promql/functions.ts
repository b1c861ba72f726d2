import type { ValueType } from './ast.js';

/** A PromQL function's signature, as Prometheus' parser checks calls against it. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** 0: exactly `args`; n > 0: the last argument is optional and may repeat up to n times; -1: repeats freely. */
  readonly variadic: number;
  readonly returns: ValueType;
  /** Prometheus keeps these behind `--enable-feature=promql-experimental-functions`. */
  readonly experimental?: boolean;
  /** Only meaningful on native histograms, which cairn does not store yet. */
  readonly nativeHistogramOnly?: boolean;
}

const v = 'vector';
const m = 'matrix';
const s = 'scalar';
const str = 'string';

const instant = (...extra: ValueType[]): FunctionSignature => ({ args: [v, ...extra], variadic: 0, returns: v });
const overTime: FunctionSignature = { args: [m], variadic: 0, returns: v };
const dateFn: FunctionSignature = { args: [v], variadic: 1, returns: v };
const native: FunctionSignature = { args: [v], variadic: 0, returns: v, nativeHistogramOnly: true };
const experimentalOverTime: FunctionSignature = { ...overTime, experimental: true };

const MATH = ['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'deg', 'rad'];
const TRIG = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh'];
const OVER_TIME = [
  'avg_over_time', 'count_over_time', 'last_over_time', 'first_over_time', 'max_over_time', 'min_over_time',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'present_over_time', 'absent_over_time',
  'changes', 'resets', 'delta', 'deriv', 'idelta', 'increase', 'irate', 'rate',
];
const DATES = ['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year'];

/** Every function PromQL knows (Prometheus 3.14), by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...MATH.map((n) => [n, instant()] as const),
  ...TRIG.map((n) => [n, instant()] as const),
  ...OVER_TIME.map((n) => [n, overTime] as const),
  ...DATES.map((n) => [n, dateFn] as const),
  ['mad_over_time', experimentalOverTime],
  ['ts_of_min_over_time', experimentalOverTime],
  ['ts_of_max_over_time', experimentalOverTime],
  ['ts_of_first_over_time', experimentalOverTime],
  ['ts_of_last_over_time', experimentalOverTime],
  ['quantile_over_time', { args: [s, m], variadic: 0, returns: v }],
  ['predict_linear', { args: [m, s], variadic: 0, returns: v }],
  ['double_exponential_smoothing', { args: [m, s, s], variadic: 0, returns: v, experimental: true }],
  ['absent', instant()],
  ['pi', { args: [], variadic: 0, returns: s }],
  ['round', { args: [v, s], variadic: 1, returns: v }],
  ['clamp', instant(s, s)],
  ['clamp_max', instant(s)],
  ['clamp_min', instant(s)],
  ['histogram_quantile', { args: [s, v], variadic: 0, returns: v }],
  ['histogram_fraction', { args: [s, s, v], variadic: 0, returns: v }],
  ['histogram_quantiles', { args: [v, str, s], variadic: -1, returns: v, experimental: true, nativeHistogramOnly: true }],
  ['histogram_count', native],
  ['histogram_sum', native],
  ['histogram_avg', native],
  ['histogram_stddev', native],
  ['histogram_stdvar', native],
  ['label_replace', { args: [v, str, str, str, str], variadic: 0, returns: v }],
  ['label_join', { args: [v, str, str, str], variadic: -1, returns: v }],
  ['scalar', { args: [v], variadic: 0, returns: s }],
  ['vector', { args: [s], variadic: 0, returns: v }],
  ['time', { args: [], variadic: 0, returns: s }],
  // The query's own frame, as scalars (Prometheus 3.14).
  ['start', { args: [], variadic: 0, returns: s }],
  ['end', { args: [], variadic: 0, returns: s }],
  ['step', { args: [], variadic: 0, returns: s }],
  ['range', { args: [], variadic: 0, returns: s }],
  ['min_of', { args: [s, s], variadic: 0, returns: s }],
  ['max_of', { args: [s, s], variadic: 0, returns: s }],
  ['timestamp', instant()],
  ['sort', instant()],
  ['sort_desc', instant()],
  ['sort_by_label', { args: [v, str], variadic: -1, returns: v, experimental: true }],
  ['sort_by_label_desc', { args: [v, str], variadic: -1, returns: v, experimental: true }],
  ['info', { args: [v, v], variadic: 1, returns: v, experimental: true }],
  ['start_timestamp', { ...instant(), experimental: true }],
]);

/** Functions whose value depends on the evaluation time (or on sample times), so `@` cannot pin them (Prometheus' AtModifierUnsafeFunctions). */
export const TIME_DEPENDENT = new Set(['time', 'predict_linear', 'timestamp', ...DATES]);
