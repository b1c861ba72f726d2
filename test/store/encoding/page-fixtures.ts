import { mulberry32 } from '../../support/prng.js';
// Seeded page generators for the encoding tests: every shape the store must round-trip.

/** mulberry32: small, seeded, reproducible. */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  next(): number {
    return this.#next();
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  uint32(): number {
    return (this.next() * 4294967296) >>> 0;
  }
  gauss(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

/** Prometheus' stale marker: a NaN whose payload must survive storage. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

export function fromBits(bits: bigint): number {
  return new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
}

/** Sets values[i] from raw bits without passing the NaN through a JS number. */
export function setBits(values: Float64Array, i: number, bits: bigint): void {
  new BigUint64Array(values.buffer, values.byteOffset, values.length)[i] = bits;
}

export const SPECIALS: readonly bigint[] = [
  STALE_NAN_BITS,
  0x7ff8000000000000n, // canonical quiet NaN
  0xfff8000000000001n, // negative NaN with a payload
  0x7ff0000000000001n, // signalling NaN
  0x7fffffffffffffffn, // all-ones NaN
  0x7ff0000000000000n, // +Infinity
  0xfff0000000000000n, // -Infinity
  0x8000000000000000n, // -0
  0x0000000000000000n, // +0
  0x0000000000000001n, // smallest subnormal
  0x7fefffffffffffffn, // Number.MAX_VALUE
  0x8010000000000000n, // -smallest normal
];

export type TimestampShape = 'regular' | 'jittered' | 'irregular' | 'duplicates' | 'all-equal' | 'extremes';
export type ValueShape =
  | 'counter-cpu'
  | 'counter-requests'
  | 'gauge-decimal'
  | 'memory-bytes'
  | 'constant'
  | 'constant-special'
  | 'random-doubles'
  | 'random-bits'
  | 'magnitudes'
  | 'specials'
  | 'decimal-with-specials'
  | 'big-integers'
  | 'twelve-decimals';

export const TIMESTAMP_SHAPES: readonly TimestampShape[] = ['regular', 'jittered', 'irregular', 'duplicates', 'all-equal', 'extremes'];
export const VALUE_SHAPES: readonly ValueShape[] = [
  'counter-cpu',
  'counter-requests',
  'gauge-decimal',
  'memory-bytes',
  'constant',
  'constant-special',
  'random-doubles',
  'random-bits',
  'magnitudes',
  'specials',
  'decimal-with-specials',
  'big-integers',
  'twelve-decimals',
];

const MAX_TIMESTAMP = 2 ** 51 - 1;

export function makeTimestamps(rng: Rng, shape: TimestampShape, count: number): Float64Array {
  const ts = new Float64Array(count);
  let t = 1_763_683_200_000 + rng.int(10_000);
  for (let i = 0; i < count; i++) {
    switch (shape) {
      case 'regular':
        ts[i] = t + i * 10_000;
        break;
      case 'jittered':
        ts[i] = t + i * 10_000 + (rng.next() < 0.05 ? 1 + rng.int(5) : 0);
        break;
      case 'irregular':
        t += rng.pick([0, 1, 15, 1000, 10_000, 60_000, 3_600_000, 86_400_000 * 30]) + rng.int(1000);
        ts[i] = t;
        break;
      case 'duplicates':
        if (rng.next() < 0.3) t += rng.int(20_000);
        ts[i] = t;
        break;
      case 'all-equal':
        ts[i] = t;
        break;
      case 'extremes':
        // From 0 to the top of the range: the widest deltas a page may hold.
        ts[i] = i === 0 ? 0 : i === count - 1 ? MAX_TIMESTAMP : Math.floor(((MAX_TIMESTAMP - 1) * i) / count) + rng.int(3);
        break;
    }
  }
  if (shape === 'extremes') ts.sort();
  return ts;
}

export function makeValues(rng: Rng, shape: ValueShape, count: number): Float64Array {
  const vs = new Float64Array(count);
  const words = new Uint32Array(vs.buffer);
  switch (shape) {
    case 'counter-cpu': {
      let ticks = rng.int(1e8);
      for (let i = 0; i < count; i++) vs[i] = (ticks += rng.int(1000)) / 100;
      break;
    }
    case 'counter-requests': {
      let n = rng.int(1e6);
      const rate = 1 + rng.int(500);
      for (let i = 0; i < count; i++) vs[i] = n += Math.max(0, Math.round(rate + Math.sqrt(rate) * rng.gauss()));
      break;
    }
    case 'gauge-decimal': {
      const decimals = 1 + rng.int(2);
      const level = rng.next() * 100;
      for (let i = 0; i < count; i++) vs[i] = Number((level + rng.gauss() * 0.3).toFixed(decimals));
      break;
    }
    case 'memory-bytes': {
      let pages = 50_000 + rng.int(2_000_000);
      for (let i = 0; i < count; i++) {
        if (rng.next() < 0.6) pages = Math.max(1, pages + Math.round(rng.gauss() * 100));
        vs[i] = pages * 4096;
      }
      break;
    }
    case 'constant':
      vs.fill(rng.pick([0, 1, 42.5, 4096, 1e9, Math.PI, -7]));
      break;
    case 'constant-special': {
      const bits = rng.pick(SPECIALS);
      for (let i = 0; i < count; i++) setBits(vs, i, bits);
      break;
    }
    case 'random-doubles':
      for (let i = 0; i < count; i++) vs[i] = (rng.next() - 0.5) * 10 ** (rng.int(40) - 20);
      break;
    case 'random-bits':
      for (let i = 0; i < words.length; i++) words[i] = rng.uint32();
      break;
    case 'magnitudes':
      for (let i = 0; i < count; i++) vs[i] = rng.pick([1e300, -1e300, 1e-300, 5e-324, Number.MAX_VALUE, 2 ** 53, -(2 ** 53) + 1, 1e-12, 123456789.123]);
      break;
    case 'specials':
      for (let i = 0; i < count; i++) setBits(vs, i, rng.pick(SPECIALS));
      break;
    case 'decimal-with-specials': {
      let x = 20 + rng.int(50);
      for (let i = 0; i < count; i++) {
        x = Number((x + rng.gauss() * 0.1).toFixed(2));
        vs[i] = x;
        if (rng.next() < 0.05) setBits(vs, i, rng.pick(SPECIALS));
      }
      break;
    }
    case 'big-integers':
      for (let i = 0; i < count; i++) vs[i] = rng.pick([2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 52, 2 ** 51 + rng.int(1000), 0]);
      break;
    case 'twelve-decimals':
      for (let i = 0; i < count; i++) vs[i] = Number((rng.next() * 10).toFixed(12));
      break;
  }
  return vs;
}

/** Bit-for-bit equality of two float64 arrays over [0, count), as the first differing index or -1. */
export function firstBitDifference(a: Float64Array, b: Float64Array, count: number): number {
  const wa = new BigUint64Array(a.buffer, a.byteOffset, count);
  const wb = new BigUint64Array(b.buffer, b.byteOffset, count);
  for (let i = 0; i < count; i++) if (wa[i] !== wb[i]) return i;
  return -1;
}
