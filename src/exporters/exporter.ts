import type { Component } from '../component/index.js';
import type { ExporterConfig } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { SeriesDefinition } from '../model/index.js';
import type { Store, Tail, TailPosition } from '../store/index.js';
import type { Registry } from '../telemetry/index.js';
import { buildChain, type SendChain } from './build-chain.js';
import type { Delivery } from './chain/bisect-sender.js';
import { backoffMs } from './chain/backoff.js';
import { sleep } from './sleep.js';
import { CursorCommitter } from './cursor-committer.js';
import { ExporterStats } from './exporter-stats.js';
import type { ExporterStatus } from './exporter-status.js';
import type { ForwardBatch } from './forward-batch.js';
import { backfillFromPages } from './pages-backfill.js';
import { compare as comparePositions, drainBehindLive, FRESH_FIRST_REQUESTS } from './fresh-first.js';
import { CatchUpLimiter } from './rate-limit.js';
import { shardBatch } from './shards.js';
import type { ReadItem, TailReaderOptions } from './tail-reader.js';
import { TailReader } from './tail-reader.js';
import { ExporterCredentials } from './transport/exporter-credentials.js';

export interface ExporterOptions {
  readonly name: string;
  readonly config: ExporterConfig;
  readonly store: Store;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The counters of the exporter this one replaces on a reload (so the status API's totals go on). */
  readonly stats?: ExporterStats;
  /** How often certificate and token files are checked for replacement (tests shorten it). */
  readonly watchIntervalMs?: number;
  /**
   * Series the exporters leave out (the aggregation rules' `to` and `keep_input`,
   * docs/aggregation.md); absent: none.
   */
  readonly leaveOut?: (def: SeriesDefinition) => boolean;
}

/** The WAL cursor of an exporter: one per exporter (a failover group shares it). */
export const cursorName = (exporter: string): string => `exporter-${exporter}`;
/** The second reader's cursor while `fresh_first` drains a backlog behind live data. */
const liveCursorName = (exporter: string): string => `exporter-${exporter}.live`;

/**
 * One configured upstream (or failover group): reads the store's log from its own cursor,
 * delivers it in request-sized batches through the send chain, and commits the cursor only
 * after the upstream acknowledged everything before it. After a restart or a crash it resends
 * from the cursor, so every acknowledged point arrives at least once, in order per series.
 */
export class Exporter implements Component {
  readonly name: string;
  readonly #o: ExporterOptions;
  readonly #stats: ExporterStats;
  readonly #credentials: ExporterCredentials;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  #tail: Tail | null = null;
  #reader: TailReader | null = null;
  #readerOptions: TailReaderOptions | null = null;
  #chain: SendChain | null = null;
  #committer: CursorCommitter | null = null;
  #loop: Promise<void> | null = null;
  #draining = false;
  /** Waiting for the WAL to grow (caught up, nothing assembled). */
  #idle = false;
  #state: ExporterStatus['state'] = 'stopped';
  /** Time of the oldest point being delivered now (ms); null while idle. */
  #oldestUnsentMs: number | null = null;
  #lastError = '';

  constructor(o: ExporterOptions) {
    this.name = o.name;
    this.#o = o;
    this.#logger = o.logger;
    this.#now = o.now ?? Date.now;
    this.#stats = o.stats ?? new ExporterStats(o.registry, o.name);
    // Reads certificates and the token file now: a file that cannot be used fails the start or refuses the reload.
    this.#credentials = new ExporterCredentials(o.name, o.config, { logger: o.logger, registry: o.registry, watchIntervalMs: o.watchIntervalMs });
  }

  get config(): ExporterConfig {
    return this.#o.config;
  }

  get stats(): ExporterStats {
    return this.#stats;
  }

  /** Re-reads certificate and token files (a reload that left the settings as they were); throws to refuse. */
  prepareReread(): () => void {
    return this.#credentials.prepareReread();
  }

  async start(): Promise<void> {
    const c = this.#o.config;
    const store = this.#o.store;
    // A live reader's cursor left by a crash during a fresh-first catch-up would hold the WAL.
    await (await store.openTail(liveCursorName(this.name))).remove();
    this.#tail = await store.openTail(cursorName(this.name));
    this.#committer = new CursorCommitter(this.#tail, this.#logger, this.name);
    this.#chain = buildChain(c, this.#stats, this.#logger, this.#credentials);
    this.#credentials.start();
    this.#state = 'running';
    this.#readerOptions = { maxBatchPoints: c.max_batch_points * c.shards, maxAgeMs: c.max_age, now: this.#now, ...(this.#o.leaveOut !== undefined ? { leaveOut: this.#o.leaveOut } : {}) };
    this.#reader = new TailReader(this.#tail, this.#readerOptions, this.#stats);
    this.#logger.info('exporter started', { component: 'exporter', exporter: this.name, kind: c.kind, endpoints: c.endpoints, backlogPoints: this.#tail.pendingPoints() });
    this.#loop = this.#run().catch((err: Error) => {
      this.#state = 'failed';
      this.#logger.error('exporter stopped on an unexpected error', { component: 'exporter', exporter: this.name, error: err.stack ?? err.message });
    });
  }

  async #run(): Promise<void> {
    const c = this.#o.config;
    const limiter = new CatchUpLimiter(c.catch_up_rate, this.#now);
    const signal = this.#abort.signal;
    // One item read ahead: the next request is read from the WAL and encoded while the current
    // one is on the wire (the network wait was a quarter of a drain's time).
    let next = this.#readAhead();
    for (;;) {
      const item = await next;
      if (item === null || signal.aborted) return;
      // Nothing is read ahead of a gap: re-sending its span from pages needs to know what was
      // sent before it, and encoding the next batch early would say it was.
      if (item.kind === 'batch') next = this.#more();
      if (!(await this.#handle(item, limiter, signal))) return;
      if (item.kind === 'gap') next = this.#more();
      else if (c.fresh_first && !this.#draining && (this.#tail!.pendingPoints() ?? 0) > FRESH_FIRST_REQUESTS * c.max_batch_points * c.shards) {
        next = (await this.#freshFirst(next, limiter, signal)).next;
      }
    }
  }

  /** Delivers (or counts) one item, then commits the position after it; false on shutdown. */
  async #handle(item: ReadItem, limiter: CatchUpLimiter, signal: AbortSignal): Promise<boolean> {
    if (item.kind === 'gap') {
      if (!(await this.#gap(item, limiter, signal))) return false;
      this.#committer!.commit(item.position);
      return true;
    }
    if (!(await limiter.take(item.batch.pointCount, (this.#tail!.pendingPoints() ?? 0) > 0, signal))) return false;
    if (!(await this.#deliver(item.batch, item.replay, signal))) return false;
    if (item.position !== null) this.#committer!.commit(item.position);
    return true;
  }

  #more(): Promise<ReadItem | null> {
    return this.#draining && (this.#tail!.pendingPoints() ?? 0) === 0 ? Promise.resolve(null) : this.#readAhead();
  }

  /**
   * Live data first, the backlog behind it (docs/forwarding.md); afterwards the cursor moves
   * over what the live reader delivered and reading continues from there.
   */
  async #freshFirst(next: Promise<ReadItem | null>, limiter: CatchUpLimiter, signal: AbortSignal): Promise<{ next: Promise<ReadItem | null> }> {
    const backlogPoints = this.#tail!.pendingPoints();
    this.#logger.info('exporter delivers live data ahead of its backlog', { component: 'exporter', exporter: this.name, backlogPoints });
    const liveAcked = await drainBehindLive({
      store: this.#o.store,
      liveCursor: liveCursorName(this.name),
      reader: { ...this.#readerOptions!, replay: false },
      stats: this.#stats,
      first: next,
      readBacklog: () => this.#readNext(),
      handleBacklog: (item) => this.#handle(item, limiter, signal),
      deliverLive: (batch) => this.#deliver(batch, false, signal),
      stopping: () => this.#draining,
      signal,
    });
    if (signal.aborted) return { next: Promise.resolve(null) };
    await this.#committer!.flush();
    const committed = this.#tail!.committed;
    if (liveAcked !== null && (committed === null || comparePositions(liveAcked, committed) > 0)) {
      await this.#tail!.commit(liveAcked);
      await this.#tail!.close();
      this.#tail = await this.#o.store.openTail(cursorName(this.name));
      this.#committer = new CursorCommitter(this.#tail, this.#logger, this.name);
      this.#reader = new TailReader(this.#tail, { ...this.#readerOptions!, replay: false }, this.#stats);
    }
    this.#logger.info('exporter drained its backlog behind live data', { component: 'exporter', exporter: this.name, backlogPoints, committed: formatPosition(this.#tail!.committed) });
    return { next: this.#more() };
  }

  /** The next item, its request encoded for the current endpoint; marks the wait for new data as idle. */
  #readAhead(): Promise<ReadItem | null> {
    const read = this.#readNext();
    // A read left pending when the loop ends (shutdown) may fail as the tail closes: nobody awaits it then.
    read.catch(() => undefined);
    return read;
  }

  async #readNext(): Promise<ReadItem | null> {
    this.#idle = (this.#tail!.pendingPoints() ?? 0) === 0;
    const item = await this.#reader!.next();
    this.#idle = false;
    if (item?.kind === 'batch' && this.#o.config.shards === 1) this.#chain!.failover.prepare(item.batch);
    return item;
  }

  /** Delivers until every point is delivered or counted; false when shutdown came first. */
  async #deliver(batch: ForwardBatch, replay: boolean, signal: AbortSignal): Promise<boolean> {
    const shards = shardBatch(batch, this.#o.config.shards);
    this.#oldestUnsentMs = batch.pointCount > 0 ? batch.minTimeMs : null;
    for (let attempt = 0; ; attempt++) {
      const results: Delivery[] = await Promise.all(shards.map((s) => this.#chain!.bisect.deliver(s, replay, signal)));
      if (results.some((r) => r.status === 'aborted')) return false;
      const unproven = results.find((r) => r.status === 'unproven');
      if (unproven === undefined) {
        this.#oldestUnsentMs = null;
        return true;
      }
      this.#lastError = unproven.status === 'unproven' ? unproven.message : '';
      // Server errors everywhere and nothing accepted: an outage, not a poisoned point.
      if (!(await sleep(backoffMs(attempt, this.#o.config.retry.initial, this.#o.config.retry.max), signal))) return false;
    }
  }

  /**
   * A span of the WAL this exporter will never read. Remote write re-sends its samples from the
   * store's pages (when it knows where the span starts); otherwise the lost points are counted.
   * False when shutdown interrupted the re-send.
   */
  async #gap(item: Extract<ReadItem, { kind: 'gap' }>, limiter: CatchUpLimiter, signal: AbortSignal): Promise<boolean> {
    const c = this.#o.config;
    const span = { component: 'exporter', exporter: this.name, lostPoints: item.lostPoints, firstSegment: item.firstSegment, lastSegment: item.lastSegment, from: isoTime(item.afterMs), to: isoTime(item.beforeMs) };
    const series = this.#chain!.promSeries;
    if (item.cause === 'dropped' && c.pages_backfill && series !== undefined && Number.isFinite(item.afterMs)) {
      let recovered = 0;
      for await (const batch of backfillFromPages(this.#o.store.querier(), item, c.max_batch_points, (l) => series.newestMs(l), this.#now, this.#o.leaveOut)) {
        if (!(await limiter.take(batch.pointCount, true, signal))) return false;
        if (!(await this.#deliver(batch, false, signal))) return false;
        recovered += batch.pointCount;
        this.#stats.recover(batch.pointCount);
      }
      this.#logger.warn("exporter re-sent a span the WAL lost from the store's pages", { ...span, recoveredSamples: recovered });
      return true;
    }
    const reason = item.cause === 'dropped' ? 'wal_dropped' : 'wal_corrupt';
    this.#stats.dropped(reason, item.lostPoints ?? 0);
    this.#logger.error('exporter will never deliver a span of the WAL', { ...span, reason });
    return true;
  }

  /**
   * Stops reading new data but keeps delivering the backlog until it is empty or `deadlineMs`
   * has passed; then aborts what is in flight, persists the cursor and releases the tail.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    if (this.#tail === null || this.#draining) return;
    this.#draining = true;
    const tail = this.#tail;
    // Closing the tail ends a read waiting for data; the loop then returns.
    const stop = (): void => {
      this.#abort.abort();
      void tail.close();
    };
    const timer = setTimeout(stop, Math.max(0, deadlineMs));
    if (this.#idle) void tail.close();
    await this.#loop;
    clearTimeout(timer);
    this.#abort.abort();
    await this.#committer!.flush();
    await this.#tail.close();
    for (const e of this.#chain!.endpoints) e.close();
    this.#credentials.close();
    this.#state = 'stopped';
    this.#logger.info('exporter stopped', { component: 'exporter', exporter: this.name, committed: formatPosition(this.#tail.committed), backlogPoints: this.#tail.pendingPoints() });
  }

  status(): ExporterStatus {
    const tail = this.#tail;
    const pending = tail?.pendingPoints() ?? null;
    return {
      name: this.name,
      kind: this.#o.config.kind,
      // Blocked as long as an endpoint refuses our credentials, even mid-retry.
      state: this.#state === 'running' && this.#chain?.failover.status().some((e) => e.state === 'blocked') === true ? 'blocked' : this.#state,
      endpoints: this.#chain?.failover.status() ?? [],
      pendingPoints: pending,
      pendingBytes: tail?.pendingBytes() ?? 0,
      lagSeconds: this.#oldestUnsentMs === null ? 0 : Math.max(0, (this.#now() - this.#oldestUnsentMs) / 1000),
      inFlight: this.#stats.inFlight,
      sentPoints: this.#stats.sent,
      droppedPoints: Object.fromEntries(this.#stats.droppedByReason),
      failedPoints: Object.fromEntries(this.#stats.failedByKind),
      replayedPoints: this.#stats.replayed,
      alreadyDeliveredPoints: this.#stats.alreadyUpstream,
      recoveredPoints: this.#stats.recovered,
      committed: formatPosition(tail?.committed ?? null),
      lastError: this.#lastError,
    };
  }
}

function isoTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function formatPosition(p: TailPosition | null): string | null {
  return p === null ? null : `${p.segment}:${p.offset}`;
}
