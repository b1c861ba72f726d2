import { parsePromDurationMs } from '../duration.js';

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
/** Escapes with a fixed number of digits: [digits, radix]. Octal ones start right after the backslash. */
const NUMERIC_ESCAPES: Readonly<Record<string, readonly [number, number]>> = { x: [2, 16], u: [4, 16], U: [8, 16] };
const OCTAL_ESCAPE = [3, 8] as const;

/**
 * The value of a PromQL string literal: Go's escapes in "…" and '…' (\x and octal escapes
 * are bytes, so a string may spell UTF-8 byte by byte), raw text in `…`. Throws an Error on a
 * bad escape or a missing closing quote.
 */
export function unquoteString(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) throw new Error(`unterminated quoted string ${literal}`);
  const body = literal.slice(1, -1);
  if (quote === '`') return body.replaceAll('\r', '');
  if (!body.includes('\\')) return body;
  const parts: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf('\\', i);
    const end = slash < 0 ? body.length : slash;
    parts.push(Buffer.from(body.slice(i, end), 'utf8'));
    if (slash < 0) break;
    i = slash + readEscape(body, slash, quote!, parts);
  }
  return decodeBytes(Buffer.concat(parts));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Go strings may hold bytes that are not UTF-8 (`"a\xc5z"`), which Prometheus then refuses as
 * label names. Each such byte is kept as the lone surrogate U+DC00+byte, so the string stays
 * distinct and is refused too (see isValidLabelName), and messages can print it back as `\xc5`.
 */
function decodeBytes(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const lead = bytes[i]!;
      const size = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
      const chunk = size === 0 ? undefined : bytes.subarray(i, i + size);
      let text: string | undefined;
      try {
        text = chunk !== undefined && chunk.length === size ? strictUtf8.decode(chunk) : undefined;
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        out += String.fromCharCode(0xdc00 + lead);
        i += 1;
      } else {
        out += text;
        i += size;
      }
    }
    return out;
  }
}

/** Appends the bytes of the escape at `body[at] === '\\'` to `parts`; returns its length. */
function readEscape(body: string, at: number, quote: string, parts: Buffer[]): number {
  const c = body[at + 1] ?? '';
  const simple = SIMPLE_ESCAPES[c];
  const quoteEscape = (c === '"' || c === "'") && c === quote ? c.charCodeAt(0) : undefined;
  if (simple !== undefined || quoteEscape !== undefined) {
    parts.push(Buffer.of(simple ?? quoteEscape!));
    return 2;
  }
  const spec = NUMERIC_ESCAPES[c] ?? (/[0-7]/.test(c) ? OCTAL_ESCAPE : undefined);
  if (spec === undefined) throw new Error(`invalid escape sequence \\${c}`);
  const [digits, radix] = spec;
  const start = radix === 8 ? at + 1 : at + 2;
  const text = body.slice(start, start + digits);
  const pattern = radix === 8 ? /^[0-7]{3}$/ : new RegExp(`^[0-9a-fA-F]{${digits}}$`);
  if (!pattern.test(text)) throw new Error(`invalid escape sequence \\${body.slice(at + 1, start + digits)}`);
  const n = parseInt(text, radix);
  if (c === 'x' || radix === 8) {
    if (n > 255) throw new Error(`octal escape value > 255: \\${text}`);
    parts.push(Buffer.of(n));
  } else {
    if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000)) throw new Error(`invalid Unicode code point \\${c}${text}`);
    parts.push(Buffer.from(String.fromCodePoint(n), 'utf8'));
  }
  return start + digits - at;
}

/**
 * A PromQL number literal, sign included: decimal or exponent form (with `_` digit separators),
 * hexadecimal, Inf/NaN in any case, or a duration (`5m` is 300, in seconds).
 */
export function parseNumberLiteral(literal: string): number {
  const trimmed = literal.trim();
  const negative = trimmed.startsWith('-');
  const unsigned = /^[+-]/.test(trimmed) ? trimmed.slice(1).trim() : trimmed;
  const magnitude = unsignedNumber(unsigned);
  if (magnitude === undefined) throw new Error(`bad number or duration syntax: ${JSON.stringify(literal)}`);
  return negative ? -magnitude : magnitude;
}

function unsignedNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return parseInt(lower.slice(2), 16);
  const durationMs = parsePromDurationMs(text);
  if (durationMs !== undefined && !/^\d+$/.test(text)) return durationMs / 1000;
  const plain = text.replaceAll('_', '');
  return /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(plain) ? Number(plain) : undefined;
}
