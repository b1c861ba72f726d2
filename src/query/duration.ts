/** Prometheus duration units in milliseconds; a year is 365 days, as in Prometheus. */
const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3_600_000,
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** Units in the only order Prometheus accepts them (`1h30m`, never `30m1h`). */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** A Prometheus duration (`5m`, `1h30m`, `250ms`, `0`) in milliseconds, or undefined if it is not one. */
export function parsePromDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = DURATION.exec(text);
  if (m === null) return undefined;
  let total = 0;
  UNITS.forEach((unit, i) => {
    const count = m[i + 1];
    if (count !== undefined) total += Number(count) * UNIT_MS[unit]!;
  });
  return Number.isSafeInteger(total) ? total : undefined;
}
