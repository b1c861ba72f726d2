import type { GrpcResult } from './grpc-client.js';
import { RawExportClient } from './grpc-client.js';
import type { PromApi } from './prom-api.js';
import { labelsKey } from './prom-api.js';
import type { SyntheticSeries } from './synthetic.js';
import { Synthetic } from './synthetic.js';
import { valueFor } from './otlp-points.js';

// Sustained ingest over gRPC that remembers exactly which requests the agent acknowledged.
// Each sender owns its series and sends one request at a time, so per-series timestamps only
// grow (no out-of-order refusals); a seq is never reused, acknowledged or not.

export interface SenderState {
  readonly series: SyntheticSeries[];
  /** Next seq to send. */
  next: number;
  /** Seqs whose request got a successful answer. */
  readonly acked: Set<number>;
  /** Seqs sent without a successful answer (may or may not be stored). */
  readonly unacked: Set<number>;
}

export interface LoadOptions {
  readonly prefix: string;
  readonly senders: number;
  readonly seriesPerSender: number;
  /** Consecutive seqs (points per series) in one request. */
  readonly pointsPerRequest: number;
  readonly baseMs: number;
  readonly stepMs: number;
  /** Pause after each acknowledged request of a sender (paces the load); 0 by default. */
  readonly pauseMs?: number;
}

export class AckedLoad {
  readonly o: LoadOptions;
  readonly syn: Synthetic;
  readonly senders: SenderState[] = [];
  /** Answers that were neither success nor a transport failure of a dying agent. */
  readonly oddAnswers: string[] = [];
  /** Failed answers by gRPC status code (-1: the call threw). */
  readonly failures: Record<number, number> = {};
  /** RetryInfo delays (ms) seen on UNAVAILABLE answers. */
  readonly retryDelays = new Set<number | undefined>();
  /** Details of the last failed answer. */
  lastFailure = '';
  /** Date.now() of the last acknowledged request, and of the last refused one. */
  lastAckAt = 0;
  lastRefusalAt = 0;

  constructor(o: LoadOptions) {
    this.o = o;
    this.syn = new Synthetic({
      prefix: o.prefix,
      services: o.senders,
      metrics: [{ name: `${o.prefix}.value`, kind: 'gauge', unit: '', promName: `${o.prefix}_value` }],
      perMetric: o.seriesPerSender,
      baseMs: o.baseMs,
      stepMs: o.stepMs,
    });
    for (let k = 0; k < o.senders; k++) {
      const series = this.syn.series.filter((s) => s.resource['service.name'] === `${o.prefix}-svc-${k}`);
      this.senders.push({ series, next: 0, acked: new Set(), unacked: new Set() });
    }
  }

  get promName(): string {
    return `${this.o.prefix}_value`;
  }

  /**
   * Sends until `stop()` is called (or `until` resolves), one request per sender at a time.
   * Resolves with the number of acknowledged requests of this run.
   */
  run(grpcAddress: string): { stop: () => void; done: Promise<number>; firstAck: Promise<void> } {
    const client = new RawExportClient(grpcAddress);
    let running = true;
    let ackedRequests = 0;
    let acked: () => void = () => undefined;
    const firstAck = new Promise<void>((resolve) => (acked = resolve));
    const one = async (s: SenderState): Promise<void> => {
      while (running) {
        const seqs = Array.from({ length: this.o.pointsPerRequest }, (_, i) => s.next + i);
        s.next += seqs.length;
        const body = this.syn.request(seqs, s.series);
        let r: GrpcResult;
        try {
          r = await client.export(body, { deadline: new Date(Date.now() + 5000) });
        } catch (err) {
          r = { ok: false, code: -1, details: String(err), statusBin: undefined, retryAfterMs: undefined };
        }
        if (r.ok && r.rejected === 0) {
          for (const q of seqs) s.acked.add(q);
          ackedRequests++;
          acked();
          this.lastAckAt = Date.now();
          if (this.o.pauseMs) await new Promise((res) => setTimeout(res, this.o.pauseMs));
        } else {
          for (const q of seqs) s.unacked.add(q);
          if (!r.ok) {
            this.failures[r.code] = (this.failures[r.code] ?? 0) + 1;
            if (r.code === 14) {
              this.retryDelays.add(r.retryAfterMs);
              this.lastRefusalAt = Date.now();
            }
            this.lastFailure = `${r.code}: ${r.details}`;
          }
          if (r.ok) this.oddAnswers.push(`partial success: ${r.rejected} rejected: ${r.errorMessage}`);
          // UNAVAILABLE (14) is how a dying or refusing agent answers; anything else is odd.
          else if (r.code !== 14 && r.code !== 4 && r.code !== 1 && r.code !== -1) this.oddAnswers.push(`code ${r.code}: ${r.details}`);
          if (!running) return;
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const done = Promise.all(this.senders.map(one)).then(() => {
      client.close();
      return ackedRequests;
    });
    return {
      stop: () => {
        running = false;
      },
      done,
      firstAck,
    };
  }

  /** Highest seq sent by any sender. */
  maxSeq(): number {
    return Math.max(0, ...this.senders.map((s) => s.next - 1));
  }

  ackedPoints(): number {
    return this.senders.reduce((n, s) => n + s.acked.size * s.series.length, 0);
  }

  /**
   * Queries every series over all seqs sent so far and compares: every point acknowledged
   * before the query must be there with its exact value; any other value must be a point that
   * was sent (or was being sent), carried forward by the lookback, never anything else.
   * Safe to call while the load runs.
   */
  async check(api: PromApi): Promise<{ checked: number; missing: string[]; foreign: string[] }> {
    const acked = this.senders.map((s) => new Set(s.acked));
    const answer = await api.queryRangeAll(this.promName, this.syn.timeOf(0), this.syn.timeOf(this.maxSeq()), this.syn.stepMs);
    const sentBelow = this.senders.map((s) => s.next);
    const byKey = new Map(answer.map((s) => [labelsKey(s.metric), s]));
    const missing: string[] = [];
    const foreign: string[] = [];
    let checked = 0;
    this.senders.forEach((sender, k) => {
      for (const series of sender.series) {
        const got = byKey.get(labelsKey(series.labels));
        const steps = new Map<number, number>();
        for (const [t, v] of got?.values ?? []) steps.set(Math.round(t * 1000), Number(v));
        for (const q of acked[k]!) {
          checked++;
          const t = this.syn.timeOf(q);
          const v = steps.get(t);
          const want = valueFor(series.index, q);
          if (v === undefined || !Object.is(v, want)) missing.push(`${series.labels['job']}/${series.labels['series_key']} seq ${q}: expected ${want}, got ${v}`);
        }
        for (const [t, v] of steps) {
          const q = Math.round((t - this.syn.baseMs) / this.syn.stepMs);
          // valueFor's integer part is seq + series·1e6: the seq the value belongs to.
          const from = Math.floor(v) - series.index * 1_000_000;
          if (!(from >= 0 && from <= q && from < sentBelow[k]! && Object.is(valueFor(series.index, from), v))) {
            foreign.push(`${series.labels['job']}/${series.labels['series_key']} step seq ${q}: value ${v} was never sent`);
          }
        }
      }
    });
    return { checked, missing, foreign };
  }
}
