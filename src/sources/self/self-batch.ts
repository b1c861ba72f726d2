import type { Logger } from '../../log/index.js';
import type { LocalAppend, LocalOrigin, Ticker } from '../kit/index.js';
import { localBatch, LocalSeriesTable, PointRecorder, startAlignedTicker } from '../kit/index.js';
import type { Registry, Sample } from '../../telemetry/registry.js';

export interface SelfMetricsOptions {
  readonly registry: Registry;
  readonly intervalMs: number;
  /** The agent's resource (service.name cairn) and scope. */
  readonly origin: LocalOrigin;
  /** When the agent started: the start of its counters. */
  readonly startMs: number;
  readonly append: LocalAppend;
  readonly hasSeries: (hi: number, lo: number) => boolean;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Writes the registry into the store every interval, so the agent's own metrics are queried
 * like any other series under the names /metrics serves: a counter `x_total` is stored as the
 * monotonic sum `x` (the store's Prometheus naming adds `_total` back), gauges and histograms
 * under their own names, all with no unit so no suffix is added.
 */
export class SelfMetricsWriter {
  readonly #o: SelfMetricsOptions;
  readonly #table = new LocalSeriesTable();
  #ticker: Ticker | undefined;
  #failed = false;

  constructor(options: SelfMetricsOptions) {
    this.#o = options;
  }

  start(): void {
    this.#ticker ??= startAlignedTicker(this.#o.intervalMs, (tick) => void this.collect(tick), this.#o.now);
  }

  stop(): void {
    this.#ticker?.stop();
  }

  async collect(tickMs: number): Promise<void> {
    const recorder = new PointRecorder(this.#table, this.#o.origin, this.#o.startMs);
    for (const s of this.#o.registry.collect()) record(recorder, s);
    this.#table.sweep();
    try {
      await this.#o.append(localBatch(recorder.points, tickMs, this.#o.hasSeries), 'self');
      this.#failed = false;
    } catch (err) {
      // Logged once per outage: the store refusing data is already reported elsewhere.
      if (!this.#failed) this.#o.logger.warn('self metrics not stored', { component: 'telemetry', error: (err as Error).message });
      this.#failed = true;
    }
  }
}

function record(recorder: PointRecorder, s: Sample): void {
  const attributes = Object.entries(s.labels);
  switch (s.type) {
    case 'counter':
      recorder.counter({ name: s.name.replace(/_total$/, ''), unit: '', description: s.help }, attributes, s.value);
      return;
    case 'gauge':
      recorder.gauge({ name: s.name, unit: '', description: s.help }, attributes, s.value);
      return;
    case 'histogram':
      recorder.histogram({ name: s.name, unit: '', description: s.help }, attributes, s.sum, s.bounds, s.counts);
      return;
  }
}
