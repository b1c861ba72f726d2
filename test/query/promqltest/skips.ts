/**
 * The promqltest cases cairn does not pass, by `file:line` of their eval, and why. Only two
 * reasons are allowed: the case needs native histograms (cairn stores classic float series
 * only), or it tests an experimental Prometheus feature cairn does not implement.
 */
export const SKIPPED: Readonly<Record<string, string>> = {};
