import type { Component } from '../component/index.js';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Logger } from '../log/index.js';
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
}

/** Every configured exporter as one component, with their gauges and the status API's data. */
export class ExporterSet implements Component {
  readonly exporters: readonly Exporter[];

  constructor(o: ExporterSetOptions) {
    const problems = validateExporters(o.config);
    if (problems.length > 0) throw ConfigError.invalid('(config)', problems);
    this.exporters = Object.entries(o.config.exporters).map(([name, config]) => new Exporter({ name, config, store: o.store, registry: o.registry, logger: o.logger }));
    if (this.exporters.length > 0) registerGauges(o, this);
  }

  async start(): Promise<void> {
    for (const e of this.exporters) await e.start();
  }

  /** All exporters drain at once within the same deadline. */
  async shutdown(deadlineMs: number): Promise<void> {
    await Promise.all(this.exporters.map((e) => e.shutdown(deadlineMs)));
  }

  status(): ExporterStatus[] {
    return this.exporters.map((e) => e.status());
  }
}

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
