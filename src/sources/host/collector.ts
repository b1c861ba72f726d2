import type { Logger } from '../../log/index.js';
import type { LocalAppend, LocalOrigin, LocalPoint, Ticker } from '../kit/index.js';
import { localBatch, LocalSeriesTable, PointRecorder, startAlignedTicker } from '../kit/index.js';
import type { Counter, Registry } from '../../telemetry/index.js';
import type { Scraper } from './scraper.js';

export interface HostCollectorOptions {
  readonly scrapers: readonly Scraper[];
  readonly intervalMs: number;
  /** The host resource and the collector's scope. */
  readonly origin: LocalOrigin;
  /** Start time of the host's cumulative counters (boot time). */
  readonly bootTimeMs: number;
  readonly append: LocalAppend;
  readonly hasSeries: (hi: number, lo: number) => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** How long a tick waits for its scrapers before storing what it has (the rest follow alone). */
const GATHER_SHARE = 0.8;
/** Distinct failure messages remembered for log-once (a flood of unique ones is not logged). */
const MAX_REMEMBERED_FAILURES = 256;

/**
 * Runs every scraper at each aligned tick, in parallel, and stores the points of one tick as
 * one batch stamped with the tick. A scraper still running at its next tick is skipped for
 * that tick (no pile-up); one that fails is counted and logged once per distinct message,
 * and never stops the others.
 */
export class HostCollector {
  readonly #o: HostCollectorOptions;
  readonly #table = new LocalSeriesTable();
  readonly #busy = new Set<Scraper>();
  readonly #running = new Set<Promise<void>>();
  readonly #failures = new Set<string>();
  readonly #scrapes: Counter;
  readonly #errors: Counter;
  readonly #skipped: Counter;
  readonly #seconds: Counter;
  readonly #dropped: Counter;
  #ticker: Ticker | undefined;

  constructor(options: HostCollectorOptions) {
    this.#o = options;
    const r = options.registry;
    this.#scrapes = r.counter('cairn_host_scrapes_total', 'Host scrapes started, by scraper.');
    this.#errors = r.counter('cairn_host_scrape_errors_total', 'Host scrapes that failed (logged once per distinct error), by scraper.');
    this.#skipped = r.counter('cairn_host_scrapes_skipped_total', 'Host scrapes not started because the previous one of that scraper was still running.');
    this.#seconds = r.counter('cairn_host_scrape_seconds_total', 'Wall-clock seconds spent in host scrapes, by scraper.');
    this.#dropped = r.counter('cairn_host_points_dropped_total', 'Host metric points that could not be stored, by reason.');
  }

  start(): void {
    this.#ticker ??= startAlignedTicker(this.#o.intervalMs, (tick) => void this.collect(tick), this.#o.now);
  }

  /** Stops ticking and waits for scrapes under way to be stored. */
  async stop(): Promise<void> {
    this.#ticker?.stop();
    await Promise.all([...this.#running]);
  }

  /** One tick: scrape, then store. Resolves when every scraper started here is stored. */
  collect(tickMs: number): Promise<void> {
    const tick = this.#tick(tickMs);
    this.#running.add(tick);
    void tick.finally(() => this.#running.delete(tick));
    return tick;
  }

  async #tick(tickMs: number): Promise<void> {
    const gathered: LocalPoint[] = [];
    let gathering = true;
    const late: Promise<void>[] = [];
    const runs = this.#o.scrapers.map(async (scraper) => {
      if (this.#busy.has(scraper)) {
        this.#skipped.add(1, { scraper: scraper.name });
        return;
      }
      const recorder = new PointRecorder(this.#table, this.#o.origin, this.#o.bootTimeMs);
      await this.#scrape(scraper, recorder);
      if (gathering) gathered.push(...recorder.points);
      else late.push(this.#store(recorder.points, tickMs));
    });
    const all = Promise.all(runs);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.intervalMs * GATHER_SHARE);
      timer.unref();
    });
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    gathering = false;
    await this.#store(gathered, tickMs);
    await all;
    await Promise.all(late);
    this.#table.sweep();
  }

  async #scrape(scraper: Scraper, recorder: PointRecorder): Promise<void> {
    const labels = { scraper: scraper.name };
    this.#busy.add(scraper);
    this.#scrapes.add(1, labels);
    const started = performance.now();
    try {
      await scraper.scrape(recorder);
    } catch (err) {
      this.#errors.add(1, labels);
      this.#logOnce(scraper.name, (err as Error)?.message ?? String(err));
    } finally {
      this.#seconds.add((performance.now() - started) / 1000, labels);
      this.#busy.delete(scraper);
    }
    if (recorder.invalid > 0) this.#logOnce(scraper.name, `dropped ${recorder.invalid} invalid points (${recorder.firstError})`);
  }

  async #store(points: readonly LocalPoint[], tickMs: number): Promise<void> {
    if (points.length === 0) return;
    try {
      await this.#o.append(localBatch(points, tickMs, this.#o.hasSeries), 'host');
    } catch (err) {
      this.#dropped.add(points.length, { reason: 'store' });
      this.#logOnce('store', `host points not stored: ${(err as Error).message}`);
    }
  }

  #logOnce(scraper: string, message: string): void {
    const key = `${scraper}\u0000${message}`;
    if (this.#failures.has(key) || this.#failures.size >= MAX_REMEMBERED_FAILURES) return;
    this.#failures.add(key);
    this.#o.logger.warn('host scrape failed', { component: 'host', scraper, error: message });
  }
}
