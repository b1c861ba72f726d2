import type { Component } from '../component/index.js';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { Batch } from '../model/index.js';
import type { Counter, Registry } from '../telemetry/index.js';
import { StreamAggregator } from './aggregator.js';
import type { OutputPoint } from './emit.js';
import { OutputBatcher } from './output-batch.js';
import { readState, writeState } from './state-file.js';
import { validateAggregation } from './validate.js';

/** How often due intervals are closed. */
const TICK_MS = 500;

export interface StreamAggregationOptions {
  readonly config: Pick<Config, 'aggregation' | 'store'>;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly now?: () => number;
}

/**
 * The streaming aggregation component (docs/aggregation.md): `stream` goes to the store (it sees
 * every sample first and is persisted with head checkpoints); once started, due intervals are
 * closed every TICK_MS and their outputs appended like the agent's own metrics, so they reach
 * the store and the exporters through the WAL.
 */
export class StreamAggregation implements Component {
  readonly stream: StreamAggregator;
  readonly #o: StreamAggregationOptions;
  readonly #batcher = new OutputBatcher();
  readonly #counters: { inputs: Counter; outputs: Counter; dropped: Counter };
  readonly #reported: { inputs: number; outputs: number; late: number; duplicates: number }[];
  #append: ((batch: Batch) => Promise<void>) | null = null;
  #hasSeries: (hi: number, lo: number) => boolean = () => false;
  #timer: NodeJS.Timeout | null = null;
  #closing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(o: StreamAggregationOptions) {
    const problems = validateAggregation(o.config);
    if (problems.length > 0) throw ConfigError.invalid('(config)', problems);
    this.#o = o;
    this.stream = new StreamAggregator(o.config.aggregation, readState(o.config.store.path, o.logger), o.now);
    this.stream.persist = (snapshot) => writeState(o.config.store.path, snapshot);
    const r = o.registry;
    this.#counters = {
      inputs: r.counter('cairn_aggregation_input_samples_total', 'Samples taken by streaming aggregation rules, by rule.'),
      outputs: r.counter('cairn_aggregation_output_samples_total', 'Output samples of streaming aggregation rules, by rule.'),
      dropped: r.counter('cairn_aggregation_dropped_samples_total', 'Samples of matching series not aggregated, by rule and reason (late: after their interval closed; duplicate: not newer than the series\' last).'),
    };
    this.#reported = this.stream.rules.map(() => ({ inputs: 0, outputs: 0, late: 0, duplicates: 0 }));
  }

  /** Where outputs go (the pipeline's local append) and what the store already knows; call before `start`. */
  connect(append: (batch: Batch) => Promise<void>, hasSeries: (hi: number, lo: number) => boolean): void {
    this.#append = append;
    this.#hasSeries = hasSeries;
  }

  async start(): Promise<void> {
    if (this.stream.rules.length === 0) return;
    // Outputs a crash kept out of the WAL go first.
    await this.#send(this.stream.resend());
    this.#timer = setInterval(() => void this.#tick(), TICK_MS).unref();
  }

  async shutdown(_deadlineMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#closing;
  }

  #tick(): void {
    this.#closing = this.#closing.then(async () => {
      if (this.#stopped) return;
      await this.#send(this.stream.closeDue((this.#o.now ?? Date.now)()));
      this.#report();
    });
  }

  async #send(points: OutputPoint[]): Promise<void> {
    if (points.length === 0 || this.#append === null) return;
    for (const p of points) this.stream.unsent.add(p);
    try {
      await this.#append(this.#batcher.batch(points, this.#hasSeries));
      for (const p of points) this.stream.unsent.delete(p);
    } catch (err) {
      // Kept in `unsent` (and in the next state snapshot): sent again after the next restart.
      this.#o.logger.warn('aggregation outputs not stored; kept for the next start', { component: 'aggregation', points: points.length, error: (err as Error).message });
    }
  }

  #report(): void {
    this.stream.counts.forEach((c, i) => {
      const seen = this.#reported[i]!;
      const rule = String(i);
      if (c.inputs > seen.inputs) this.#counters.inputs.add(c.inputs - seen.inputs, { rule });
      if (c.outputs > seen.outputs) this.#counters.outputs.add(c.outputs - seen.outputs, { rule });
      if (c.late > seen.late) this.#counters.dropped.add(c.late - seen.late, { rule, reason: 'late' });
      if (c.duplicates > seen.duplicates) this.#counters.dropped.add(c.duplicates - seen.duplicates, { rule, reason: 'duplicate' });
      this.#reported[i] = { ...c };
    });
  }
}
