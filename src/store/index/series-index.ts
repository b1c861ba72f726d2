import { join } from 'node:path';
import { ErrorCodes } from '../../errors/index.js';
import type { SeriesDefinition } from '../../model/index.js';
import { HashMap64 } from '../../model/index.js';
import type { PromLabels, RefResolver } from '../flatten/index.js';
import { labelsKey } from '../flatten/index.js';
import type { LabelMatcher } from './matchers.js';
import { compileMatcher } from './matchers.js';
import { Postings } from './postings.js';
import type { RecordFileStats } from './record-file.js';
import { RecordFile } from './record-file.js';

const SERIES_MAGIC = 'CAIRNSER';
const DEFINITIONS_MAGIC = 'CAIRNDEF';

/**
 * The persisted series index: Prometheus label sets by stable reference (index/series.csr)
 * with their postings, and the OTel series definitions (index/definitions.cdf) that WAL
 * sample records refer to by hash, so both survive WAL truncation.
 */
export class SeriesIndex implements RefResolver {
  readonly #series: RecordFile;
  readonly #definitionsFile: RecordFile;
  readonly #refs = new Map<string, number>();
  readonly #postings = new Postings();
  readonly #definitions = new HashMap64<SeriesDefinition>(4096);
  #nextRef = 0;
  readonly stats: { series: RecordFileStats; definitions: RecordFileStats };

  private constructor(series: RecordFile, definitions: RecordFile, stats: SeriesIndex['stats']) {
    this.#series = series;
    this.#definitionsFile = definitions;
    this.stats = stats;
  }

  static open(dir: string): SeriesIndex {
    const s = RecordFile.open(join(dir, 'series.csr'), SERIES_MAGIC, ErrorCodes.SERIES_FILE_CORRUPT);
    const d = RecordFile.open(join(dir, 'definitions.cdf'), DEFINITIONS_MAGIC, ErrorCodes.SERIES_FILE_CORRUPT);
    const index = new SeriesIndex(s.file, d.file, { series: s.stats, definitions: d.stats });
    for (const rec of s.records) {
      const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      const ref = view.getUint32(0, true);
      const labels = JSON.parse(Buffer.from(rec.buffer, rec.byteOffset + 4, rec.byteLength - 4).toString('utf8')) as PromLabels;
      index.#remember(ref, labels);
    }
    for (const rec of d.records) {
      const def = JSON.parse(Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength).toString('utf8')) as SeriesDefinition;
      index.#definitions.set(def.hashHi, def.hashLo, def);
    }
    return index;
  }

  get seriesCount(): number {
    return this.#refs.size;
  }

  get sizeBytes(): number {
    return this.#series.sizeBytes + this.#definitionsFile.sizeBytes;
  }

  refFor(labels: PromLabels): number {
    const key = labelsKey(labels);
    const known = this.#refs.get(key);
    if (known !== undefined) return known;
    const ref = this.#nextRef;
    const json = Buffer.from(key, 'utf8');
    const payload = Buffer.allocUnsafe(4 + json.length);
    payload.writeUInt32LE(ref, 0);
    json.copy(payload, 4);
    this.#series.append([payload]);
    this.#remember(ref, labels);
    return ref;
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
    return this.#definitions.has(hashHi, hashLo);
  }

  definition(hashHi: number, hashLo: number): SeriesDefinition | undefined {
    return this.#definitions.get(hashHi, hashLo);
  }

  /** Persists definitions not known yet; returns those that were new. */
  addDefinitions(defs: readonly SeriesDefinition[]): SeriesDefinition[] {
    const fresh = defs.filter((d) => !this.#definitions.has(d.hashHi, d.hashLo));
    if (fresh.length === 0) return fresh;
    this.#definitionsFile.append(fresh.map((d) => Buffer.from(JSON.stringify(d), 'utf8')));
    for (const d of fresh) this.#definitions.set(d.hashHi, d.hashLo, d);
    return fresh;
  }

  sync(): void {
    this.#series.sync();
    this.#definitionsFile.sync();
  }

  close(): void {
    this.#series.close();
    this.#definitionsFile.close();
  }

  #remember(ref: number, labels: PromLabels): void {
    this.#refs.set(labelsKey(labels), ref);
    this.#postings.add(ref, labels);
    if (ref >= this.#nextRef) this.#nextRef = ref + 1;
  }
}
