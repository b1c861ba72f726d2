import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { SeriesDefinition } from '../../model/index.js';
import type { PromLabels, RefResolver } from '../flatten/index.js';
import { HashMap64, hashOut, hashStrings } from '../../model/index.js';
import type { LabelMatcher } from '../../query/index.js';
import { compileMatcher } from '../../query/index.js';
import { OtelSeries } from './otel-series.js';
import { Postings } from './postings.js';
import type { RecordFileStats } from './record-file.js';
import { RecordFile } from './record-file.js';

const SERIES_MAGIC = 'CAIRNSER';
/** First byte of a block payload: a raw-deflated JSON array (docs/format/series.md). */
const BLOCK_DEFLATE_JSON = 1;
const DEFINITIONS_MAGIC = 'CAIRNDEF';

/**
 * The persisted series index: Prometheus label sets by stable reference (index/series.csr)
 * with their postings, and the OTel series definitions (index/definitions.cdf) that WAL
 * sample records refer to by hash, so both survive WAL truncation.
 */
export class SeriesIndex implements RefResolver {
  readonly #series: RecordFile;
  readonly #definitionsFile: RecordFile;
  /** References by a 64-bit hash of the label set: no key string per series (collisions ~n²/2^65, as for series identity). */
  readonly #refs = new HashMap64<number>(4096);
  readonly #postings = new Postings();
  readonly otel: OtelSeries;
  #nextRef = 0;
  #unwritten: [number, PromLabels][] = [];
  readonly stats: { series: RecordFileStats; definitions: RecordFileStats };

  private constructor(series: RecordFile, definitions: RecordFile, stats: SeriesIndex['stats']) {
    this.#series = series;
    this.#definitionsFile = definitions;
    this.otel = new OtelSeries(definitions, packBlock);
    this.stats = stats;
  }

  static open(dir: string): SeriesIndex {
    const s = RecordFile.open(join(dir, 'series.csr'), SERIES_MAGIC, ErrorCodes.SERIES_FILE_CORRUPT);
    let d: ReturnType<typeof RecordFile.open> | undefined;
    try {
      d = RecordFile.open(join(dir, 'definitions.cdf'), DEFINITIONS_MAGIC, ErrorCodes.SERIES_FILE_CORRUPT);
      const index = new SeriesIndex(s.file, d.file, { series: s.stats, definitions: d.stats });
      for (const rec of s.records) {
        for (const [ref, labels] of unpackBlock<[number, PromLabels]>(rec, s.file.path)) index.#remember(ref, labels);
      }
      for (const rec of d.records) {
        index.otel.load(unpackBlock<SeriesDefinition & { ref?: number }>(rec, d.file.path));
      }
      return index;
    } catch (err) {
      s.file.close();
      d?.file.close();
      throw err;
    }
  }

  /**
   * Never hands out a reference below `ref`: a skipped (corrupt) block may have held
   * references that pages in datafiles still use, so new series start above them.
   */
  reserveBelow(ref: number): void {
    if (ref > this.#nextRef) this.#nextRef = ref;
  }

  /** Every reference handed out is below this (rollup catch-up walks them). */
  get refLimit(): number {
    return this.#nextRef;
  }

  get seriesCount(): number {
    return this.#refs.size;
  }

  get sizeBytes(): number {
    return this.#series.sizeBytes + this.#definitionsFile.sizeBytes;
  }

  /** The reference of a label set, assigning the next one to a new set (written by `flush`). */
  refFor(labels: PromLabels): number {
    labelsHash(labels);
    const known = this.#refs.get(hashOut.hi, hashOut.lo);
    if (known !== undefined) return known;
    const ref = this.#nextRef;
    this.#remember(ref, labels);
    this.#unwritten.push([ref, labels]);
    return ref;
  }

  /**
   * Writes the references assigned since the last flush, as one compressed block. Pages that
   * use a reference must not reach a datafile before its block is on disk (the store flushes
   * and syncs the index before writing pages).
   */
  flush(): void {
    if (this.#unwritten.length === 0) return;
    this.#series.append([packBlock(this.#unwritten)]);
    this.#unwritten = [];
  }

  labelsOf(ref: number): PromLabels | undefined {
    return this.#postings.labelsOf(ref);
  }

  select(matchers: readonly LabelMatcher[]): number[] {
    return this.#postings.select(matchers.map(compileMatcher));
  }

  labelNames(): string[] {
    return this.#postings.labelNames();
  }

  labelValues(name: string): string[] {
    return this.#postings.labelValues(name);
  }

  hasDefinition(hashHi: number, hashLo: number): boolean {
    return this.otel.has(hashHi, hashLo);
  }

  definition(hashHi: number, hashLo: number): SeriesDefinition | undefined {
    return this.otel.byHash(hashHi, hashLo);
  }

  sync(): void {
    this.flush();
    this.otel.persist();
    this.#series.sync();
    this.#definitionsFile.sync();
  }

  close(): void {
    this.flush();
    try {
      this.otel.persist();
    } catch {
      // The WAL still holds them: replay defines them again.
    }
    this.#series.close();
    this.#definitionsFile.close();
  }

  #remember(ref: number, labels: PromLabels): void {
    labelsHash(labels);
    this.#refs.set(hashOut.hi, hashOut.lo, ref);
    this.#postings.add(ref, labels);
    if (ref >= this.#nextRef) this.#nextRef = ref + 1;
  }
}

/** Many entries as one record: label sets and definitions repeat most of their text, so a block deflates ~10×. */
function packBlock(entries: readonly unknown[]): Uint8Array {
  const packed = deflateRawSync(Buffer.from(JSON.stringify(entries), 'utf8'));
  const out = Buffer.allocUnsafe(1 + packed.length);
  out[0] = BLOCK_DEFLATE_JSON;
  packed.copy(out, 1);
  return out;
}

function unpackBlock<T>(record: Uint8Array, path: string): T[] {
  try {
    if (record[0] !== BLOCK_DEFLATE_JSON) throw new Error(`unknown block format ${record[0]}`);
    return JSON.parse(inflateRawSync(record.subarray(1)).toString('utf8')) as T[];
  } catch (err) {
    throw new CairnError(ErrorCodes.SERIES_FILE_CORRUPT, `${path}: a record passed its CRC but does not decode: ${(err as Error).message}`);
  }
}

/** Hashes a label set into `hashOut` (pairs in order; hashStrings terminates every string). */
function labelsHash(labels: PromLabels): void {
  const parts: string[] = [];
  for (const [k, v] of labels) parts.push(k, v);
  hashStrings(parts);
}
