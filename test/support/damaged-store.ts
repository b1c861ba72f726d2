import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { postMetrics } from './http-client.js';
import { baseTimeMs, valueFor } from './otlp-points.js';
import { labelsKey } from './prom-api.js';
import type { RunningAgent } from './store-agent.js';
import { eventually, sleep, startStoreAgent, writeStoreConfig } from './store-agent.js';
import type { PageDescriptor } from './store-files.js';
import { datafiles, walSegments } from './store-files.js';
import type { SyntheticSeries } from './synthetic.js';
import { range, Synthetic } from './synthetic.js';

// A small store for damage tests (docs/format/*): two groups of series with known points, one
// written to pages, one only in the WAL (the agent that wrote it is killed, so no clean stop
// checkpoints the head); copies of it to damage one way each, and a check that every point is
// served exactly or, where the damage allows, missing — never a value that was not sent.

export const DAMAGE_KEYS = {
  max_disk_bytes: '64MiB',
  datafile_bytes: '3KiB',
  page_points: 16,
  page_max_age: '1h',
  wal: { segment_bytes: '4KiB', fsync: 'interval', fsync_interval: '200ms' },
};

export class DamagedStore {
  readonly base: string;
  /** Written to pages: 6 series × 128 points (8 pages each), in 4 flushes. */
  readonly paged: Synthetic;
  readonly pagedSeqs = 128;
  /** Only in the WAL (open pages): 4 series × 12 points, one WAL record per seq. */
  readonly head: Synthetic;
  readonly headSeqs = 12;
  readonly #dir: string;
  readonly #agents: RunningAgent[];

  constructor(dir: string, prefix: string, agents: RunningAgent[]) {
    this.#dir = dir;
    this.#agents = agents;
    this.base = `${dir}/base`;
    const baseMs = baseTimeMs(12);
    // Without target_info series (whose one sample per request would keep pages open and the
    // WAL segments under them), so that the paged group can be in pages only.
    this.paged = new Synthetic({ prefix: `${prefix}-paged`, services: 2, metrics: [{ name: 'corr.paged', kind: 'gauge', unit: '', promName: 'corr_paged' }], perMetric: 3, baseMs, stepMs: 1000, hostName: false });
    this.head = new Synthetic({ prefix: `${prefix}-head`, services: 1, metrics: [{ name: 'corr.head', kind: 'gauge', unit: '', promName: 'corr_head' }], perMetric: 4, baseMs, stepMs: 1000, firstIndex: 100, hostName: false });
  }

  /**
   * Builds the base store. `trimWal`: restart after the paged group and wait until the WAL holds
   * none of it (every one of its points is then in pages only) before the head group is sent.
   */
  async build(options: { trimWal?: boolean } = {}): Promise<void> {
    const config = writeStoreConfig(this.#dir, 'base.yaml', this.base, DAMAGE_KEYS);
    let a = await this.start(config);
    for (let burst = 0; burst < 4; burst++) {
      for (let q = burst * 32; q < (burst + 1) * 32; q += 16) await this.#send(a, this.paged.request(range(q, q + 16)));
      await sleep(1200); // one flush per burst: one extent of 12 pages
    }
    if (options.trimWal === true) {
      expect(await a.stop()).toEqual({ code: 0, signal: null });
      a = await this.start(config);
      // Maintenance (every 5 s) deletes the segments whose samples are all in pages.
      await eventually(() => walSegments(this.base).length === 1, 15_000, 'the WAL to hold only its new segment');
    }
    for (let q = 0; q < this.headSeqs; q++) await this.#send(a, this.head.request([q]));
    expect((await a.kill()).signal).toBe('SIGKILL');
    expect(datafiles(this.base).length).toBeGreaterThanOrEqual(2);
  }

  async start(config: string): Promise<RunningAgent> {
    const a = await startStoreAgent(config);
    this.#agents.push(a);
    return a;
  }

  /** A fresh copy of the base store for one scenario. */
  scenario(name: string): { path: string; config: string } {
    const path = join(this.#dir, name);
    cpSync(this.base, path, { recursive: true });
    return { path, config: writeStoreConfig(this.#dir, `${name}.yaml`, path, DAMAGE_KEYS) };
  }

  /**
   * Queries both groups: points for which `mayLose` is false must be exact; the others may be
   * missing (the lookback then carries an earlier point of the same series) but never wrong.
   * Returns how many points were actually missing; a series not served at all misses all.
   */
  async verify(a: RunningAgent, mayLose: Lost, groups: readonly (readonly [Synthetic, number])[] = [[this.paged, this.pagedSeqs], [this.head, this.headSeqs]]): Promise<number> {
    let missing = 0;
    for (const [syn, seqs] of groups) {
      const name = syn.series[0]!.labels['__name__']!;
      // Raw samples: the store's own damage, not what the rollup tiers would stitch in.
      const answer = await a.api.queryRange(name, syn.timeOf(0), syn.timeOf(seqs - 1), syn.stepMs, 0);
      const got = new Map(answer.map((s) => [labelsKey(s.metric), new Map(s.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]))]));
      const known = new Set(syn.series.map((s) => labelsKey(s.labels)));
      const wrong: string[] = [...got.keys()].filter((k) => !known.has(k)).map((k) => `series never sent: ${k}`);
      for (const s of syn.series) {
        const steps = got.get(labelsKey(s.labels)) ?? new Map<number, number>();
        for (let q = 0; q < seqs; q++) {
          const v = steps.get(syn.timeOf(q));
          const want = valueFor(s.index, q);
          if (Object.is(v, want)) continue;
          const where = `${s.labels['job']}/${s.labels['series_key']} seq ${q}`;
          if (!mayLose(s, q)) {
            wrong.push(`${where}: expected ${want}, got ${v}`);
            continue;
          }
          missing++;
          // Carried forward from an earlier point of the same series, or nothing: never invented.
          const from = v === undefined ? -1 : Math.floor(v) - s.index * 1_000_000;
          if (v !== undefined && !(from < q && Object.is(valueFor(s.index, from), v))) wrong.push(`${where}: ${v} was never sent`);
        }
      }
      expect(wrong.length, wrong.slice(0, 10).join('\n')).toBe(0);
    }
    return missing;
  }

  /**
   * Points the damaged pages may have held: those of the paged group within the pages' time
   * ranges (every paged series shares the same times; callers check how many went missing).
   */
  pagesCover(pages: readonly PageDescriptor[]): Lost {
    return (s, q) => {
      const t = this.paged.timeOf(q);
      return s.labels['__name__'] === 'corr_paged' && pages.some((p) => t >= p.minT && t <= p.maxT);
    };
  }

  async #send(a: RunningAgent, body: Buffer): Promise<void> {
    const res = await postMetrics(a.httpUrl, body);
    if (res.status !== 200) throw new Error(`ingest: HTTP ${res.status} ${res.body.toString()}`);
  }
}

export type Lost = (series: SyntheticSeries, seq: number) => boolean;

export const nothingLost: Lost = () => false;
