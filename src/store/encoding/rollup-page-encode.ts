import { BitWriter } from './bit-writer.js';
import { encodeFloatColumn } from './float-column.js';
import { encodeIntSequence } from './int-sequence.js';
import { FLOAT_COLUMNS, MAX_PAGE_CENTROIDS, MAX_RESOLUTION_MS, MAX_ROLLUP_ROWS, MAX_ROW_CENTROIDS, ROLLUP_FLAG_SKETCH, ROLLUP_HEADER_BYTES, ROLLUP_PAGE_VERSION } from './rollup-page-format.js';
import type { RollupRows } from './rollup-rows.js';
import { Scratch } from './scratch.js';

const intWriter = new BitWriter();
const column = new Scratch();
const sections: Uint8Array[] = [];

/**
 * Encodes rows [0, rows.length) of one series at `resolutionMs` as a rollup page
 * (docs/format/rollup-page.md). Row ends must be strictly increasing multiples of the
 * resolution, times within their bucket; fields of rows with count 0 other than `end` and
 * `endsStale` are not stored (they read back as the previous row's). Throws RangeError on rows
 * outside that contract (a caller bug, not data).
 */
export function encodeRollupPage(rows: RollupRows, resolutionMs: number): Uint8Array {
  const n = rows.length;
  check(rows, resolutionMs);
  const xs = column.get(n);
  const w = intWriter;
  w.reset();
  for (let i = 0; i < n; i++) xs[i] = rows.end[i]! / resolutionMs;
  encodeInts(w, xs, n);
  encodeInts(w, rows.count, n);
  for (let i = 0; i < n; i++) xs[i] = rows.endsStale[i]!;
  encodeInts(w, xs, n);
  // Offsets inside the bucket: first in [1, res], last in [0, res − 1]; empty rows repeat the previous one.
  fillHeld(rows, xs, (i) => rows.firstT[i]! - (rows.end[i]! - resolutionMs), 1);
  encodeInts(w, xs, n);
  fillHeld(rows, xs, (i) => rows.end[i]! - rows.lastT[i]!, 0);
  encodeInts(w, xs, n);
  const sketch = rows.hasSketch;
  if (sketch) {
    for (let i = 0; i < n; i++) xs[i] = rows.sketchStart[i + 1]! - rows.sketchStart[i]!;
    encodeInts(w, xs, n);
  }
  w.alignToByte();
  const ints = w.finish();

  sections.length = 0;
  let codecs = 0;
  FLOAT_COLUMNS.forEach((name, c) => {
    const values = rows[name];
    fillHeld(rows, xs, (i) => values[i]!, 0);
    const { codec, writer } = encodeFloatColumn(xs, n);
    codecs |= codec.id << (2 * c);
    sections.push(writer.finish());
  });
  if (sketch && rows.centroids > 0) {
    const { codec, writer } = encodeFloatColumn(rows.means, rows.centroids);
    codecs |= codec.id << (2 * FLOAT_COLUMNS.length);
    sections.push(writer.finish());
    w.reset();
    encodeInts(w, rows.weights, rows.centroids);
    sections.push(w.finish());
  }

  let size = ROLLUP_HEADER_BYTES + ints.length;
  for (const s of sections) size += s.length;
  const page = new Uint8Array(size);
  const view = new DataView(page.buffer);
  page[0] = ROLLUP_PAGE_VERSION;
  page[1] = sketch ? ROLLUP_FLAG_SKETCH : 0;
  view.setUint16(2, n - 1, true);
  view.setUint16(4, codecs, true);
  view.setUint32(6, resolutionMs, true);
  page.set(ints, ROLLUP_HEADER_BYTES);
  let at = ROLLUP_HEADER_BYTES + ints.length;
  for (const s of sections) {
    page.set(s, at);
    at += s.length;
  }
  return page;
}

function encodeInts(w: BitWriter, xs: Float64Array, n: number): void {
  if (!encodeIntSequence(w, xs, n)) throw new RangeError('rollup page integer column out of range');
}

/** Column values for the page: rows with count 0 take the previous stored value (the first such takes `initial`). */
function fillHeld(rows: RollupRows, out: Float64Array, value: (i: number) => number, initial: number): void {
  let held = initial;
  for (let i = 0; i < rows.length; i++) {
    if (rows.count[i]! > 0) held = value(i);
    out[i] = held;
  }
}

function check(rows: RollupRows, res: number): void {
  const n = rows.length;
  if (n < 1 || n > MAX_ROLLUP_ROWS) throw new RangeError(`rollup page of ${n} rows outside 1..${MAX_ROLLUP_ROWS}`);
  if (!Number.isInteger(res) || res < 1 || res > MAX_RESOLUTION_MS) throw new RangeError(`rollup resolution ${res} ms`);
  if (rows.hasSketch && rows.centroids > MAX_PAGE_CENTROIDS) throw new RangeError(`rollup page of ${rows.centroids} centroids`);
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const end = rows.end[i]!;
    if (!(end > previous) || end % res !== 0 || end < 0) throw new RangeError(`rollup row ${i} ends at ${end}: ends are increasing multiples of ${res}`);
    previous = end;
    if (rows.hasSketch && rows.sketchStart[i + 1]! - rows.sketchStart[i]! > MAX_ROW_CENTROIDS) throw new RangeError(`rollup row ${i} has too many centroids`);
    if (rows.count[i]! === 0) continue;
    const start = end - res;
    if (!(rows.firstT[i]! > start && rows.firstT[i]! <= rows.lastT[i]! && rows.lastT[i]! <= end)) throw new RangeError(`rollup row ${i}: sample times outside (${start}, ${end}]`);
  }
}
