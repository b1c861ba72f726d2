// Number, time and string formats at the API's edges, against what Go/Prometheus produce.
import { describe, expect, it } from 'vitest';
import { formatSampleValue, jsonString, jsonTimestamp } from '../../src/api/json-encode.js';
import { compareLabelSets, compareStrings } from '../../src/query/label-order.js';
import { parseDurationMs, parseTimestamp } from '../../src/api/params.js';
import { isStaleMarker, writeStaleMarker } from '../../src/query/stale-marker.js';

describe('sample values (strconv.FormatFloat with Prometheus’ f/e switch)', () => {
  it.each([
    [1, '1'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [0, '0'],
    [-0, '-0'],
    [123456789.123, '123456789.123'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [1e-6, '0.000001'],
    [1e-7, '1e-07'],
    [-2.5e-10, '-2.5e-10'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s → %s', (v, s) => {
    expect(formatSampleValue(v)).toBe(s);
  });
});

describe('timestamps (milliseconds → seconds with 3 digits when needed)', () => {
  it.each([
    [0, '0'],
    [1, '0.001'],
    [10, '0.010'],
    [1500, '1.500'],
    [-1500, '-1.500'],
    [-1, '-0.001'],
    [1435781451781, '1435781451.781'],
    [1435781451000, '1435781451'],
  ])('%s → %s', (ms, s) => {
    expect(jsonTimestamp(ms)).toBe(s);
  });
});

describe('time parameters', () => {
  it.each([
    ['1435781451.781', 1435781451781],
    ['1435781451', 1435781451000],
    ['1435781451.7815', 1435781451782], // rounded to the millisecond
    ['-1.5', -1500],
    ['1e3', 1_000_000],
    ['2015-07-01T20:10:51.781Z', 1435781451781],
    ['2015-07-01T20:10:51.781999999Z', 1435781451781], // sub-millisecond digits truncated
    ['2015-07-01T22:10:51+02:00', 1435781451000],
    ['2015-07-01T18:40:51.5-01:30', 1435781451500],
    ['0001-01-01T00:00:00Z', -62135596800000],
    ['2024-02-29T00:00:00Z', 1709164800000],
  ])('%s', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each(['', 'now', '2015-07-01', '2015-07-01 20:10:51Z', '2015-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2015-07-01T24:00:00Z', 'NaN', 'Inf', '0x10'])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('clamps far times to the representable range', () => {
    expect(parseTimestamp('-9223309901257974')).toBe(-8_640_000_000_000_000);
    expect(parseTimestamp('9223309901257974')).toBe(8_640_000_000_000_000);
  });
});

describe('durations', () => {
  it.each([
    ['15', 15_000],
    ['0.5', 500],
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['250ms', 250],
    ['0', 0],
  ])('%s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '15x', '30m1h', '1.5m', 'm', '-'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('strings and order', () => {
  it('escapes like Go', () => {
    expect(jsonString('a"b\\c\n<&>\u2028')).toBe('"a\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u2028"');
  });

  it('sorts by code point (Go byte order), not UTF-16 unit', () => {
    const astral = '\u{1F600}';
    const privateUse = '\uE000';
    expect(compareStrings(privateUse, astral)).toBeLessThan(0);
    expect(['b', 'B', 'a', ''].sort(compareStrings)).toEqual(['', 'B', 'a', 'b']);
    expect(compareLabelSets([['a', '1']], [['a', '1'], ['b', '1']])).toBeLessThan(0);
    expect(compareLabelSets([['a', '2']], [['a', '10']])).toBeGreaterThan(0);
  });
});

describe('stale marker', () => {
  it('is the NaN with bits 0x7ff0000000000002, told apart from other NaNs', () => {
    const values = new Float64Array(3);
    values[0] = NaN;
    writeStaleMarker(values, 1);
    values[2] = 1;
    expect([0, 1, 2].map((i) => isStaleMarker(values, i))).toEqual([false, true, false]);
    expect(Number.isNaN(values[1])).toBe(true);
    const view = new Float64Array(values.buffer, 8, 2); // a view with an offset
    expect(isStaleMarker(view, 0)).toBe(true);
  });
});
