import { deflateRawSync } from 'node:zlib';
import type { SeriesDefinition } from '../../model/index.js';
import type { PromLabels, RefResolver } from '../flatten/index.js';
import { HashMap64, hashOut, hashStrings } from '../../model/index.js';
import type { LabelMatcher } from '../../query/index.js';
import { compileMatcher } from '../../query/index.js';
import { StoreUnavailableError } from '../errors.js';
import { BLOCK_DEFLATE_JSON, decodeBlocks, openIndexFile } from './index-rebuild.js';
import { OtelSeries } from './otel-series.js';
import { Postings } from './postings.js';
import type { IndexFileStats } from './record-damage.js';
import type { RecordPair } from './record-pair.js';

const SERIES_MAGIC = 'CAIRNSER';
const DEFINITIONS_MAGIC = 'CAIRNDEF';

/**
 * The persisted series index: Prometheus label sets by stable reference (index/series.csr)
 * with their postings, and the OTel series definitions (index/definitions.cdf) that WAL
 * sample records refer to by hash, so both survive WAL truncation.
 */
export class SeriesIndex implements RefResolver {
  readonly #series: RecordPair;
  readonly #definitionsFile: RecordPair;
  /** References by a 64-bit hash of the label set: no key string per series (collisions ~n²/2^65, as for series identity). */
  readonly #refs = new HashMap64<number>(4096);
  readonly #postings = new Postings();
  readonly otel: OtelSeries;
  #nextRef = 0;
  #unwritten: [number, PromLabels][] = [];
  readonly stats: { series: IndexFileStats; definitions: IndexFileStats };

  private constructor(series: RecordPair, definitions: RecordPair, stats: SeriesIndex['stats']) {
    this.#series = series;
    this.#definitionsFile = definitions;
    this.otel = new OtelSeries(definitions, packBlock);
    this.stats = stats;
  }

  /**
   * Opens both index files, each kept in two copies and repaired from the other (index-rebuild.ts);
   * damage costs only what no copy holds, counted in `stats`.
   */
  static open(dir: string): SeriesIndex {
    const s = openIndexFile(dir, 'series.csr', SERIES_MAGIC);
    let d: ReturnType<typeof openIndexFile> | undefined;
    try {
      d = openIndexFile(dir, 'definitions.cdf', DEFINITIONS_MAGIC);
      const index = new SeriesIndex(s.pair, d.pair, { series: s.stats, definitions: d.stats });
      for (const [ref, labels] of decodeBlocks<[number, PromLabels]>(s)) index.#remember(ref, labels);
      index.otel.load(decodeBlocks<SeriesDefinition & { ref?: number }>(d));
      return index;
    } catch (err) {
      s.pair.close();
      d?.pair.close();
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
    // A failed write (disk full) keeps them for the next flush; `sync` fails until it succeeds.
    if (this.#unwritten.length > 0 && tryAppend(this.#series, this.#unwritten)) this.#unwritten = [];
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

  /** Every label name and value with how many series carry it. */
  forEachLabelValue(visit: (name: string, value: string, series: number) => void): void {
    this.#postings.forEachValue(visit);
  }

  hasDefinition(hashHi: number, hashLo: number): boolean {
    return this.otel.has(hashHi, hashLo);
  }

  definition(hashHi: number, hashLo: number): SeriesDefinition | undefined {
    return this.otel.byHash(hashHi, hashLo);
  }

  sync(): void {
    this.flush();
    if (this.#unwritten.length > 0) throw new StoreUnavailableError(`cannot write ${this.#series.paths[0]}`);
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
    // Both copies of a record merged on open may hold the same entry.
    if (this.#postings.labelsOf(ref) !== undefined) return;
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

/** Appends one block; false (kept for a later flush) when the disk refuses it. */
function tryAppend(file: RecordPair, entries: readonly unknown[]): boolean {
  try {
    file.append([packBlock(entries)]);
    return true;
  } catch (err) {
    if (err instanceof StoreUnavailableError) return false;
    throw err;
  }
}

/** Hashes a label set into `hashOut` (pairs in order; hashStrings terminates every string). */
function labelsHash(labels: PromLabels): void {
  const parts: string[] = [];
  for (const [k, v] of labels) parts.push(k, v);
  hashStrings(parts);
}
