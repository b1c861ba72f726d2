import type { Component, Reloadable, ReloadCommit } from '../component/index.js';
import type { Config, ExporterConfig } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { SeriesDefinition } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Registry } from '../telemetry/index.js';
import { Exporter } from './exporter.js';
import type { ExporterStatus } from './exporter-status.js';
import { validateExporters } from './validate.js';

const STATES = ['active', 'standby', 'blocked', 'circuit_open'] as const;

export interface ExporterSetOptions {
  readonly config: Config;
  readonly store: Store;
  readonly registry: Registry;
  readonly logger: Logger;
  /** The WAL's share of the disk budget in bytes, for the share-used gauge. */
  readonly walShareBytes: number;
  readonly walBytes: () => number;
  /** How often certificate and token files are checked for replacement (tests shorten it). */
  readonly watchIntervalMs?: number;
  /**
   * Series the exporters leave out (the aggregation rules' `to` and `keep_input`,
   * docs/aggregation.md); absent: none.
   */
  readonly leaveOut?: (def: SeriesDefinition) => boolean;
}

/**
 * Every configured exporter as one component, with their gauges and the status API's data.
 * Reloadable (docs/forwarding.md, "Reload"): an exporter whose settings changed is stopped
 * (what it has in flight aborted, its cursor persisted) and started again with the new ones
 * from the same cursor, so nothing acknowledged is lost (what was in flight may arrive twice);
 * an added exporter starts like one at start-up; a removed one stops and its cursor stays.
 */
export class ExporterSet implements Component, Reloadable {
  readonly name = 'exporters';
  #exporters: Exporter[];
  readonly #o: ExporterSetOptions;
  #gauges = false;

  constructor(o: ExporterSetOptions) {
    this.#o = o;
    const problems = validateExporters(o.config);
    if (problems.length > 0) throw ConfigError.invalid('(config)', problems);
    this.#exporters = Object.entries(o.config.exporters).map(([name, config]) => this.#make(name, config));
    this.#registerGauges();
  }

  get exporters(): readonly Exporter[] {
    return this.#exporters;
  }

  async start(): Promise<void> {
    for (const e of this.#exporters) await e.start();
  }

  /** All exporters drain at once within the same deadline. */
  async shutdown(deadlineMs: number): Promise<void> {
    await Promise.all(this.#exporters.map((e) => e.shutdown(deadlineMs)));
  }

  status(): ExporterStatus[] {
    return this.#exporters.map((e) => e.status());
  }

  /**
   * Checks the new entries and reads every certificate and token file they name (a problem
   * refuses the whole reload, nothing changed yet); the commit swaps the exporters that changed.
   */
  prepare(next: Config): ReloadCommit {
    const problems = validateExporters(next);
    if (problems.length > 0) throw ConfigError.invalid('(config)', problems);
    const running = new Map(this.#exporters.map((e) => [e.name, e]));
    const plan: { keep: Exporter; reread: () => void }[] = [];
    const replace: { old: Exporter | undefined; fresh: Exporter }[] = [];
    for (const [name, config] of Object.entries(next.exporters)) {
      const old = running.get(name);
      if (old !== undefined && sameSettings(old.config, config)) plan.push({ keep: old, reread: old.prepareReread() });
      else replace.push({ old, fresh: this.#make(name, config, old) });
    }
    const removed = this.#exporters.filter((e) => !(e.name in next.exporters));
    return async () => {
      const stopping = [...replace.flatMap((r) => (r.old === undefined ? [] : [r.old])), ...removed];
      // Deadline 0: requests in flight are aborted and sent again from the cursor by the new exporter.
      await Promise.all(stopping.map((e) => e.shutdown(0)));
      for (const p of plan) p.reread();
      for (const r of replace) await r.fresh.start();
      const order = Object.keys(next.exporters);
      const byName = new Map([...plan.map((p) => [p.keep.name, p.keep] as const), ...replace.map((r) => [r.fresh.name, r.fresh] as const)]);
      this.#exporters = order.map((n) => byName.get(n)!);
      this.#registerGauges();
      for (const r of replace) this.#o.logger.info(r.old === undefined ? 'exporter added by reload' : 'exporter settings changed by reload; resumed from its cursor', { component: 'exporter', exporter: r.fresh.name });
      for (const e of removed) this.#o.logger.info('exporter removed by reload; its cursor is kept', { component: 'exporter', exporter: e.name });
    };
  }

  /** Once there is an exporter (an agent without one shows none of their gauges). */
  #registerGauges(): void {
    if (this.#gauges || this.#exporters.length === 0) return;
    this.#gauges = true;
    registerGauges(this.#o, this);
  }

  #make(name: string, config: ExporterConfig, replacing?: Exporter): Exporter {
    const o = this.#o;
    return new Exporter({ name, config, store: o.store, registry: o.registry, logger: o.logger, stats: replacing?.stats, watchIntervalMs: o.watchIntervalMs, ...(o.leaveOut !== undefined ? { leaveOut: o.leaveOut } : {}) });
  }
}

const sameSettings = (a: ExporterConfig, b: ExporterConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

function registerGauges(o: ExporterSetOptions, set: ExporterSet): void {
  const r = o.registry;
  const per = (read: (s: ExporterStatus) => number) => () => set.status().map((s) => ({ labels: { exporter: s.name }, value: read(s) }));
  r.gaugeFamily('cairn_exporter_pending_points', 'Points in the WAL the exporter has not read yet (its backlog).', per((s) => s.pendingPoints ?? 0));
  r.gaugeFamily('cairn_exporter_pending_bytes', 'WAL bytes the exporter has not read yet.', per((s) => s.pendingBytes));
  r.gaugeFamily('cairn_exporter_lag_seconds', 'Age of the oldest point being delivered; 0 when caught up.', per((s) => s.lagSeconds));
  r.gaugeFamily('cairn_exporter_requests_in_flight', 'Requests sent and not yet answered.', per((s) => s.inFlight));
  r.gaugeFamily('cairn_exporter_endpoint_state', '1 for the state each endpoint is in (active, standby, blocked, circuit_open).', () =>
    set.status().flatMap((s) => s.endpoints.flatMap((e) => STATES.map((state) => ({ labels: { exporter: s.name, endpoint: e.endpoint, state }, value: e.state === state ? 1 : 0 })))),
  );
  r.gauge('cairn_exporter_wal_share_used_ratio', "WAL bytes over the WAL's share of the disk budget: at 1 the oldest segments go, lagging exporters lose them.", () => o.walBytes() / o.walShareBytes);
}
