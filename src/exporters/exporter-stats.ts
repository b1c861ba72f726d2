import type { Registry } from '../telemetry/index.js';
import type { DropReason, FailureKind } from './send-outcome.js';

/** Counters every exporter records into (docs/telemetry.md lists them); labelled by exporter and endpoint. */
export class ExporterStats {
  readonly exporter: string;
  readonly #sent;
  readonly #failed;
  readonly #dropped;
  readonly #retries;
  readonly #replayed;
  readonly #already;
  readonly #recovered;
  /** Totals kept here too, for the status API. */
  sent = 0;
  replayed = 0;
  alreadyUpstream = 0;
  recovered = 0;
  readonly droppedByReason = new Map<DropReason, number>();
  readonly failedByKind = new Map<FailureKind, number>();
  inFlight = 0;

  constructor(registry: Registry, exporter: string) {
    this.exporter = exporter;
    this.#sent = registry.counter('cairn_exporter_points_sent_total', 'Points an upstream acknowledged, by exporter and endpoint.');
    this.#failed = registry.counter('cairn_exporter_points_failed_total', 'Points in attempts that failed and will be retried, by exporter, endpoint and reason.');
    this.#dropped = registry.counter('cairn_exporter_points_dropped_total', 'Points an exporter will never deliver, by exporter and reason.');
    this.#retries = registry.counter('cairn_exporter_retries_total', 'Attempts retried, by exporter, endpoint and the status that failed them.');
    this.#already = registry.counter('cairn_exporter_points_already_delivered_total', 'Points sent again after a restart that the upstream proved it already had (Prometheus out-of-order answers), by exporter.');
    this.#recovered = registry.counter('cairn_exporter_points_recovered_total', "Samples re-read from the store's pages for a span the WAL lost before the exporter sent it, by exporter.");
    this.#replayed = registry.counter('cairn_exporter_points_replayed_total', 'Points sent again after a restart (possible duplicates upstream), by exporter.');
  }

  delivered(endpoint: string, points: number): void {
    this.sent += points;
    this.#sent.add(points, { exporter: this.exporter, endpoint });
  }

  failed(endpoint: string, kind: FailureKind, status: string, points: number): void {
    this.failedByKind.set(kind, (this.failedByKind.get(kind) ?? 0) + points);
    this.#failed.add(points, { exporter: this.exporter, endpoint, reason: kind });
    this.#retries.add(1, { exporter: this.exporter, endpoint, status });
  }

  dropped(reason: DropReason, points: number): void {
    if (points <= 0) return;
    this.droppedByReason.set(reason, (this.droppedByReason.get(reason) ?? 0) + points);
    this.#dropped.add(points, { exporter: this.exporter, reason });
  }

  replay(points: number): void {
    this.replayed += points;
    this.#replayed.add(points, { exporter: this.exporter });
  }

  recover(points: number): void {
    this.recovered += points;
    this.#recovered.add(points, { exporter: this.exporter });
  }

  alreadyDelivered(points: number): void {
    this.alreadyUpstream += points;
    this.#already.add(points, { exporter: this.exporter });
  }

  droppedTotal(): number {
    let n = 0;
    for (const v of this.droppedByReason.values()) n += v;
    return n;
  }
}
