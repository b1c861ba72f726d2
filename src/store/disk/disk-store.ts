import type { Batch, SeriesRefTable } from '../../model/index.js';
import { ErrorCodes } from '../../errors/index.js';
import type { Querier } from '../../query/index.js';
import { decodePage } from '../encoding/index.js';
import { StoreUnavailableError } from '../errors.js';
import { StoreQuerier } from '../read/store-querier.js';
import type { Store, StoreUsage } from '../store.js';
import type { Tail, TailOptions, TailSource } from '../tail/index.js';
import { StoreTail } from '../tail/index.js';
import { BatchAppender } from './append.js';
import { BudgetKeeper } from './budget.js';
import { Checkpointer } from './checkpoint.js';
import { maintainStore } from './maintenance.js';
import { openStore } from './open.js';
import { batchOfRecord } from './replay-record.js';
import { PageWriter } from './page-writer.js';
import type { DiskStoreOptions, StoreCounters, StoreParts } from './parts.js';
import { storeCounters } from './parts.js';
import { startTierCatchUp, tieredQuerier } from '../tiers/index.js';

const FLUSH_EVERY_MS = 1000;
const MAINTAIN_EVERY_MS = 5000;

/**
 * The on-disk store (docs/store.md): WAL first, then the head, then pages in the ring of
 * datafiles, within a hard disk budget. `append` resolves once the batch is in the WAL
 * (written to the OS; fsynced per `store.wal.fsync`) and in the head. The verbs live beside
 * this file: open, append, page writing, budget, maintenance.
 */
export class DiskStore implements Store {
  readonly #o: DiskStoreOptions;
  readonly #counters: StoreCounters;
  #parts: StoreParts | null = null;
  #appender!: BatchAppender;
  #pages!: PageWriter;
  #budget!: BudgetKeeper;
  #checkpoints!: Checkpointer;
  #timers: NodeJS.Timeout[] = [];
  #catchUp: Promise<unknown> = Promise.resolve();
  readonly #tails = new Set<Tail>();
  /** Pages that failed to decode, each counted once. */
  readonly #badPages = new Set<string>();
  #ready = false;
  #closed = false;
  #maintaining: Promise<void> | null = null;

  constructor(options: DiskStoreOptions) {
    this.#o = options;
    this.#counters = storeCounters(options.registry);
  }

  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    const { parts, ingest, checkpoint } = await openStore(this.#o, this.#counters);
    this.#parts = parts;
    this.#budget = new BudgetKeeper(parts, () => this.#checkpoints);
    this.#checkpoints = new Checkpointer(parts, ingest, checkpoint, (incoming) => this.#budget.makeRoom(incoming), () => this.#pages.flush());
    this.#pages = new PageWriter(parts, (incoming) => this.#budget.makeRoom(incoming));
    this.#appender = new BatchAppender(parts, ingest);
    // Before the first page is written: rows only pending when the agent stopped are rolled up again.
    this.#catchUp = startTierCatchUp(parts);
    this.#timers.push(setInterval(() => void this.#pages.flush(), FLUSH_EVERY_MS).unref());
    this.#timers.push(setInterval(() => void (this.#maintaining ?? this.maintain()), MAINTAIN_EVERY_MS).unref());
    this.#ready = true;
  }

  /** Settles when the rollup tiers' catch-up after `start` is over (done, or cut short by shutdown). */
  tiersCaughtUp(): Promise<void> {
    return this.#catchUp.then(() => undefined);
  }

  hasSeries(hashHi: number, hashLo: number): boolean {
    return this.#parts?.index.hasDefinition(hashHi, hashLo) ?? false;
  }

  async append(batch: Batch): Promise<void> {
    if (this.#closed || this.#parts === null) throw new StoreUnavailableError(this.#closed ? 'the store is closed' : 'the store is not started');
    await this.#budget.throttle();
    await this.#appender.append(batch);
    if (!this.#closed) this.#budget.check();
  }

  querier(): Querier {
    const p = this.#requireParts();
    return tieredQuerier(p, new StoreQuerier({
      index: p.index,
      pages: p.pages,
      head: p.head,
      readPage: async (location) => decodePage(await p.ring.readPage(location)),
      onCorruptPage: (err, location) => {
        // Gone: the budget just deleted its datafile. Corrupt: the ring counted it, once.
        const code = (err as { code?: string }).code;
        if (code === ErrorCodes.DATAFILE_GONE || code === ErrorCodes.DATAFILE_CORRUPT) return;
        // A page whose extent passed its CRCs but which does not decode: once per page.
        const key = `${location.file}:${location.extentOffset}:${location.pageOffset}`;
        if (this.#badPages.has(key)) return;
        this.#badPages.add(key);
        this.#counters.corrupt.add(1, { part: 'page' });
        p.logger.warn('skipped a page that does not decode', { component: 'store', file: location.file, offset: location.extentOffset, pageOffset: location.pageOffset, error: err.message });
      },
    }));
  }

  async openTail(name: string, options?: TailOptions): Promise<Tail> {
    const p = this.#requireParts();
    const source: TailSource = {
      wal: p.wal,
      logger: p.logger,
      decode: (type, payload) => batchOfRecord(p, type, payload),
      definitionOf: (hi, lo) => p.index.definition(hi, lo),
      points: p.segmentPoints,
    };
    const tail = await StoreTail.open(source, name, options);
    this.#tails.add(tail);
    return tail;
  }

  seriesRefs(): SeriesRefTable {
    return this.#requireParts().index.otel.table;
  }

  storedSeriesCount(): number {
    return this.#parts?.index.seriesCount ?? 0;
  }

  otelSeriesByMetric(): { byMetric: Map<string, number>; nextRef: number } {
    const otel = this.#requireParts().index.otel;
    return { byMetric: otel.countsByName(), nextRef: otel.nextRef };
  }

  usage(): StoreUsage {
    const p = this.#requireParts();
    const walBytes = p.wal.sizeBytes();
    const ringBytes = p.ring.sizeBytes();
    const indexBytes = p.index.sizeBytes;
    const checkpointBytes = this.#checkpoints.bytes;
    const tierBytes = p.tiers?.tiers.map((t) => t.ring.sizeBytes()) ?? [];
    return {
      walBytes,
      ringBytes,
      indexBytes,
      checkpointBytes,
      tierBytes,
      tierStats: p.tiers?.stats() ?? [],
      totalBytes: walBytes + ringBytes + indexBytes + checkpointBytes + tierBytes.reduce((a, b) => a + b, 0),
      series: p.index.seriesCount,
      headSamples: p.head.samples,
      headBytes: p.head.chunkBytes,
      walSegments: p.wal.segmentCount(),
      datafiles: p.ring.fileCount(),
    };
  }

  async shutdown(_deadlineMs = 0): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    const p = this.#parts;
    if (p === null) return;
    while (this.#maintaining !== null) await this.#maintaining;
    for (const tail of this.#tails) await tail.close();
    await this.#budget.idle();
    await this.#pages.idle();
    await this.#pages.flush();
    if (p.tiers !== null) {
      p.tiers.closing = true;
      await this.#catchUp;
      await p.tiers.close();
    }
    // The next start then replays no WAL at all.
    await this.#checkpoints.write().catch((err: Error) => p.logger.warn('head checkpoint at shutdown failed; the WAL covers it', { component: 'store', error: err.message }));
    await p.wal.close();
    await p.ring.close();
    p.index.close();
    p.unlock();
  }

  /**
   * The periodic work, now (a timer runs it every 5 s): quiet head series cut, due rollup rows
   * written, expired files deleted, a due checkpoint written, files synced, the budget enforced.
   * One run at a time: a call during a run waits for it, then runs again.
   */
  async maintain(): Promise<void> {
    while (this.#maintaining !== null) await this.#maintaining;
    if (this.#closed || this.#parts === null) return;
    this.#maintaining = maintainStore(this.#parts, this.#pages, this.#budget, this.#checkpoints).finally(() => {
      this.#maintaining = null;
    });
    await this.#maintaining;
  }

  #requireParts(): StoreParts {
    if (this.#parts === null) throw new StoreUnavailableError('the store is not started');
    return this.#parts;
  }
}
