import { DecodeError } from './decode-error.js';

const INT_STRING = /^-?\d+$/;
const UINT_STRING = /^\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * A position in parsed JSON that knows its path, so every type error names where it is
 * (`resourceMetrics[0].scopeMetrics[1].metrics[3].sum.dataPoints[0].asInt`). Absent and
 * null fields read as the proto3 default; fields of the wrong JSON type are errors.
 */
export class JsonCursor {
  readonly #value: Record<string, unknown>;
  readonly #path: string;

  private constructor(value: Record<string, unknown>, path: string) {
    this.#value = value;
    this.#path = path;
  }

  static root(value: unknown): JsonCursor {
    if (!isObject(value)) throw new DecodeError('request body is not a JSON object');
    return new JsonCursor(value, '');
  }

  get path(): string {
    return this.#path === '' ? '(root)' : this.#path;
  }

  /** The raw JSON under a key (for cache keys), or null. */
  raw(...keys: string[]): unknown {
    return this.#get(keys)[1] ?? null;
  }

  has(...keys: string[]): boolean {
    return this.#pick(keys) !== undefined;
  }

  obj(...keys: string[]): JsonCursor {
    const [key, v] = this.#get(keys);
    if (v === undefined) return new JsonCursor({}, this.#at(key));
    if (!isObject(v)) throw this.#bad(key, 'an object');
    return new JsonCursor(v, this.#at(key));
  }

  list(...keys: string[]): JsonCursor[] {
    const [key, v] = this.#get(keys);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw this.#bad(key, 'an array');
    return v.map((item, i) => new JsonCursor(wrap(item), `${this.#at(key)}[${i}]`));
  }

  str(...keys: string[]): string {
    const [key, v] = this.#get(keys);
    if (v === undefined) return '';
    if (typeof v !== 'string') throw this.#bad(key, 'a string');
    return v;
  }

  bool(...keys: string[]): boolean {
    const [key, v] = this.#get(keys);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw this.#bad(key, 'true or false');
    return v;
  }

  double(...keys: string[]): number {
    const [key, v] = this.#get(keys);
    return v === undefined ? 0 : toDouble(v, () => this.#bad(key, 'a number'));
  }

  int64(...keys: string[]): bigint {
    const [key, v] = this.#get(keys);
    if (v === undefined) return 0n;
    const n = toBigInt(v, INT_STRING);
    if (n === undefined || n < -(2n ** 63n) || n >= 2n ** 63n) throw this.#bad(key, 'a 64-bit integer (decimal string or number)');
    return n;
  }

  uint64(...keys: string[]): number {
    const [key, v] = this.#get(keys);
    if (v === undefined) return 0;
    const n = toBigInt(v, UINT_STRING);
    if (n === undefined || n >= 2n ** 64n) throw this.#bad(key, 'an unsigned 64-bit integer (decimal string or number)');
    return Number(n);
  }

  /** 32-bit signed integer fields (scale, offset). */
  int(...keys: string[]): number {
    const n = this.int64(...keys);
    if (n < -(2n ** 31n) || n >= 2n ** 31n) throw this.#bad(keys[0]!, 'a 32-bit integer');
    return Number(n);
  }

  uint(...keys: string[]): number {
    const n = this.uint64(...keys);
    if (n > 0xffffffff) throw this.#bad(keys[0]!, 'a 32-bit unsigned integer');
    return n;
  }

  enumValue(names: Record<string, number>, ...keys: string[]): number {
    const [key, v] = this.#get(keys);
    if (v === undefined) return 0;
    if (typeof v === 'string' && v in names) return names[v]!;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw this.#bad(key, `an enum integer or one of ${Object.keys(names).join(', ')}`);
  }

  /** Whether a uint64 field is present and not zero (`"0"` or 0 count as absent). */
  nonZero(...keys: string[]): boolean {
    const [, v] = this.#get(keys);
    return v !== undefined && v !== 0 && v !== '0' && !(typeof v === 'string' && /^0+$/.test(v));
  }

  /** Timestamps: fixed64 nanoseconds to whole milliseconds, exact for decimal strings. */
  nanosToMillis(...keys: string[]): number {
    const [key, v] = this.#get(keys);
    if (v === undefined) return 0;
    if (typeof v === 'string' && UINT_STRING.test(v) && v.length <= 20) {
      return v.length > 6 ? Number(v.slice(0, -6)) : 0;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return Math.floor(v / 1e6);
    throw this.#bad(key, 'nanoseconds since the epoch as a decimal string or number');
  }

  bytes(...keys: string[]): Uint8Array {
    const [key, v] = this.#get(keys);
    if (v === undefined) return new Uint8Array(0);
    if (typeof v !== 'string' || !BASE64.test(v)) throw this.#bad(key, 'base64 bytes');
    return Buffer.from(v, 'base64');
  }

  /** For list items that are scalars (bucket counts, bounds). */
  asDouble(): number {
    return toDouble(this.#value['#'], () => new DecodeError(`${this.#path}: expected a number`));
  }

  asUint64(): number {
    const n = toBigInt(this.#value['#'], UINT_STRING);
    if (n === undefined || n >= 2n ** 64n) throw new DecodeError(`${this.#path}: expected an unsigned 64-bit integer`);
    return Number(n);
  }

  #pick(keys: string[]): string | undefined {
    for (const k of keys) {
      const v = this.#value[k];
      if (v !== undefined && v !== null) return k;
    }
    return undefined;
  }

  #get(keys: string[]): [string, unknown] {
    const k = this.#pick(keys);
    return k === undefined ? [keys[0]!, undefined] : [k, this.#value[k]];
  }

  #at(key: string): string {
    return this.#path === '' ? key : `${this.#path}.${key}`;
  }

  #bad(key: string, expected: string): DecodeError {
    const got = JSON.stringify(this.#value[key]) ?? 'undefined';
    return new DecodeError(`${this.#at(key)}: expected ${expected}, got ${got.length > 40 ? `${got.slice(0, 40)}…` : got}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** List items may be scalars; keep them under a private key so one cursor type serves both. */
function wrap(item: unknown): Record<string, unknown> {
  return isObject(item) ? item : { '#': item };
}

function toDouble(v: unknown, fail: () => DecodeError): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw fail();
}

function toBigInt(v: unknown, pattern: RegExp): bigint | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v < 0 && pattern === UINT_STRING ? undefined : BigInt(v);
  if (typeof v === 'string' && pattern.test(v) && v.length <= 21) return BigInt(v);
  return undefined;
}
