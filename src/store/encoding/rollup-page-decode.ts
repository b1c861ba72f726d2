import { BitReader } from './bit-reader.js';
import { valueCodecById } from './float-column.js';
import { decodeIntSequence } from './int-sequence.js';
import { asPageCorrupt, pageCorrupt } from './page-corrupt.js';
import { FLOAT_COLUMNS, MAX_PAGE_CENTROIDS, MAX_ROW_CENTROIDS, ROLLUP_FLAG_SKETCH, ROLLUP_HEADER_BYTES, ROLLUP_PAGE_VERSION } from './rollup-page-format.js';
import { RollupRows } from './rollup-rows.js';
import { Scratch } from './scratch.js';
import { MAX_PAGE_TIMESTAMP } from './page-format.js';

const column = new Scratch();

/** A decoded rollup page: its rows and the resolution they were rolled up at. */
export interface DecodedRollupPage {
  readonly rows: RollupRows;
  readonly resolutionMs: number;
}

/**
 * Decodes a page written by encodeRollupPage into fresh rows, or into `into` (its rows replaced;
 * for a caller that reads pages one after another). Any malformed input throws CairnError
 * PAGE_CORRUPT and nothing else; work is bounded by the row and centroid caps.
 */
export function decodeRollupPage(bytes: Uint8Array, into?: RollupRows): DecodedRollupPage {
  try {
    return decode(bytes, into);
  } catch (error) {
    throw asPageCorrupt('rollup page', error);
  }
}

function decode(bytes: Uint8Array, into: RollupRows | undefined): DecodedRollupPage {
  if (bytes.length < ROLLUP_HEADER_BYTES) throw pageCorrupt(`rollup page of ${bytes.length} bytes is shorter than its header`);
  if (bytes[0] !== ROLLUP_PAGE_VERSION) throw pageCorrupt(`rollup page version ${bytes[0]}`);
  const flags = bytes[1]!;
  if ((flags & ~ROLLUP_FLAG_SKETCH) !== 0) throw pageCorrupt(`rollup page flags ${flags}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint16(2, true) + 1;
  const codecs = view.getUint16(4, true);
  const res = view.getUint32(6, true);
  if (res === 0) throw pageCorrupt('rollup page resolution 0');
  const sketch = (flags & ROLLUP_FLAG_SKETCH) !== 0;
  const rows = into ?? new RollupRows(n);
  rows.reset(sketch);
  for (let i = 0; i < n; i++) rows.addRow(0);

  const reader = new BitReader(bytes, ROLLUP_HEADER_BYTES);
  const xs = column.get(n);
  decodeIntSequence(reader, xs, n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const end = xs[i]! * res;
    if (!(xs[i]! > previous) || end > MAX_PAGE_TIMESTAMP) throw pageCorrupt(`rollup row ${i} bucket ${xs[i]} out of order or range`);
    previous = xs[i]!;
    rows.end[i] = end;
  }
  decodeIntSequence(reader, rows.count, n);
  for (let i = 0; i < n; i++) if (!(rows.count[i]! >= 0)) throw pageCorrupt(`rollup row ${i} count ${rows.count[i]}`);
  decodeIntSequence(reader, xs, n);
  for (let i = 0; i < n; i++) {
    if (xs[i] !== 0 && xs[i] !== 1) throw pageCorrupt(`rollup row ${i} stale flag ${xs[i]}`);
    rows.endsStale[i] = xs[i]!;
  }
  decodeIntSequence(reader, xs, n);
  for (let i = 0; i < n; i++) {
    if (!(xs[i]! >= 1 && xs[i]! <= res)) throw pageCorrupt(`rollup row ${i} first offset ${xs[i]}`);
    rows.firstT[i] = rows.end[i]! - res + xs[i]!;
  }
  decodeIntSequence(reader, xs, n);
  for (let i = 0; i < n; i++) {
    if (!(xs[i]! >= 0 && xs[i]! < res)) throw pageCorrupt(`rollup row ${i} last offset ${xs[i]}`);
    rows.lastT[i] = rows.end[i]! - xs[i]!;
    if (rows.count[i]! > 0 && rows.lastT[i]! < rows.firstT[i]!) throw pageCorrupt(`rollup row ${i} ends before it starts`);
  }
  let centroids = 0;
  if (sketch) {
    decodeIntSequence(reader, xs, n);
    for (let i = 0; i < n; i++) {
      if (!(xs[i]! >= 0 && xs[i]! <= MAX_ROW_CENTROIDS)) throw pageCorrupt(`rollup row ${i} centroid count ${xs[i]}`);
      centroids += xs[i]!;
      rows.sketchStart[i + 1] = centroids;
    }
    if (centroids > MAX_PAGE_CENTROIDS) throw pageCorrupt(`rollup page of ${centroids} centroids`);
  }
  reader.alignToByte();

  FLOAT_COLUMNS.forEach((name, c) => {
    const codec = valueCodecById((codecs >>> (2 * c)) & 3);
    if (codec === undefined) throw pageCorrupt(`rollup ${name} codec 0`);
    codec.decode(reader, rows[name], n);
    reader.alignToByte();
  });
  const meansCodec = (codecs >>> (2 * FLOAT_COLUMNS.length)) & 3;
  if (codecs >>> (2 * FLOAT_COLUMNS.length + 2) !== 0) throw pageCorrupt(`rollup codec field ${codecs}`);
  if (centroids > 0) {
    const codec = valueCodecById(meansCodec);
    if (codec === undefined) throw pageCorrupt('rollup sketch means codec 0');
    rows.means = new Float64Array(centroids);
    rows.weights = new Float64Array(centroids);
    codec.decode(reader, rows.means, centroids);
    reader.alignToByte();
    decodeIntSequence(reader, rows.weights, centroids);
    for (let i = 0; i < centroids; i++) if (!(rows.weights[i]! >= 1)) throw pageCorrupt(`rollup centroid ${i} weight ${rows.weights[i]}`);
    reader.alignToByte();
    rows.centroids = centroids;
  } else if (meansCodec !== 0) throw pageCorrupt('rollup sketch means codec without centroids');
  const end = reader.alignToByte();
  if (end !== bytes.length) throw pageCorrupt(`${bytes.length - end} trailing bytes after the rollup page`);
  return { rows, resolutionMs: res };
}

/** Whether an encoded rollup page's rows carry sketches (its header's flag; false for bytes too short to say). */
export function hasSketches(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[1]! & ROLLUP_FLAG_SKETCH) !== 0;
}
