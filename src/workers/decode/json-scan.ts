import { DecodeError } from './decode-error.js';

/** Deeper than any OTLP request: 16 levels of nested attribute values take ~64 JSON levels. */
export const MAX_JSON_DEPTH = 128;

// Heap bytes V8's JSON.parse and the decoder's cursors spend per token, measured on Node 20
// (an empty object ~67 B, an empty array ~43 B, an array slot ~13 B, a boxed double ~28 B,
// a short string ~42 B), rounded up.
const PER_OBJECT = 104;
const PER_ARRAY = 48;
const PER_ITEM = 16;
const PER_STRING = 32;
const PER_NUMBER = 24;

/**
 * One pass over a JSON body, before it is parsed: refuses nesting deeper than MAX_JSON_DEPTH
 * and estimates what parsing it will allocate, so the estimate can be taken from the budget
 * first (a 5 MB array of nulls or of empty objects costs 20-70 MB once parsed). Strings are
 * skipped, escapes included; invalid JSON is left for the parser to report.
 */
export function scanJson(body: Uint8Array): { readonly estimate: number; readonly depth: number } {
  let depth = 0;
  let maxDepth = 0;
  let objects = 0;
  let arrays = 0;
  let items = 0;
  let strings = 0;
  let numbers = 0;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const c = body[i]!;
    if (c === 0x22) {
      // A string: skip to its closing quote, over escaped characters.
      strings++;
      for (i++; i < n; i++) {
        const d = body[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (c === 0x7b) objects++;
      else arrays++;
      items++;
      if (++depth > maxDepth) {
        maxDepth = depth;
        if (depth > MAX_JSON_DEPTH) throw new DecodeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c) items++;
    else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      numbers++;
      while (i + 1 < n && isNumberByte(body[i + 1]!)) i++;
    }
  }
  // The body becomes one string first (two bytes a character at worst).
  const estimate = 2 * n + objects * PER_OBJECT + arrays * PER_ARRAY + items * PER_ITEM + strings * PER_STRING + numbers * PER_NUMBER;
  return { estimate, depth: maxDepth };
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}
