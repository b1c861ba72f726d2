import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import { DiskSampler } from '../../support/disk-sampler.js';
import { baseTimeMs, valueFor } from '../../support/otlp-points.js';
import type { MatrixSeries } from '../../support/prom-api.js';
import { labelsKey } from '../../support/prom-api.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { datafiles } from '../../support/store-files.js';

// Sustained ingest well past store.max_disk_bytes: the directory never grows past the cap
// plus one datafile, the oldest data goes first, the newest stays exact.

const KiB = 1024;
const MiB = 1024 * KiB;
const BUDGET = 2 * MiB;
const DATAFILE = 256 * KiB;
const CAP = BUDGET + DATAFILE;
/** Page bytes to write before stopping: several times the budget. */
const TARGET_DATAFILE_BYTES = 3 * BUDGET;

const dir = tempDir('cairn-budget-');
const storePath = `${dir.dir}/store`;
const config = writeStoreConfig(dir.dir, 'budget.yaml', storePath, {
  max_disk_bytes: '2MiB',
  datafile_bytes: '256KiB',
  page_points: 128,
  page_max_age: '1h',
  wal: { segment_bytes: '64KiB', fsync: 'interval', fsync_interval: '1s' },
});

// As fast as two senders (one request in flight each, 8 series × 32 points per request) get
// answers: whatever rate the agent accepts, it must keep its cap.
const load = new AckedLoad({ prefix: 'budget', senders: 2, seriesPerSender: 8, pointsPerRequest: 32, baseMs: baseTimeMs(72), stepMs: 1000 });
/** The newest points of every series (far less than one datafile) must all be there. */
const NEWEST_SEQS = 1000;
const agents: RunningAgent[] = [];
let agent: RunningAgent;
const sampler = new DiskSampler(storePath);
let ingestMs = 0;
const metricSamples: { atMs: number; disk: number; wal: number; ring: number }[] = [];
/** Bytes that went through the ring (every datafile at the largest size the sampler saw). */
const writtenDatafileBytes = (): number => sampler.datafileBytesSeen();

beforeAll(async () => {
  agent = await startStoreAgent(config);
  agents.push(agent);
  sampler.start(20);
  const started = Date.now();
  let polling = true;
  // /metrics, sampled beside the directory.
  const poller = (async () => {
    while (polling) {
      const m = await agent.api.metrics();
      metricSamples.push({ atMs: Date.now() - started, disk: m.sum('cairn_store_disk_bytes'), wal: m.sum('cairn_store_wal_bytes'), ring: m.sum('cairn_store_datafile_bytes') });
      await sleep(100);
    }
  })();
  const run = load.run(agent.grpc);
  // Until three budgets went through the ring; generous time for a loaded CI machine.
  while (writtenDatafileBytes() < TARGET_DATAFILE_BYTES && Date.now() - started < 45_000) await sleep(100);
  ingestMs = Date.now() - started;
  run.stop();
  await run.done;
  // Let the last pages be written.
  await sleep(1500);
  polling = false;
  await poller;
  sampler.stop();
  sampler.sample();
}, 90_000);

afterAll(async () => {
  sampler.stop();
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

function describeMax(): string {
  const m = sampler.max();
  return `largest store directory ${m.total} B at ${m.atMs} ms (wal ${m.wal}, tier0 ${m.tier0}, tier1 ${m.tier1}, tier2 ${m.tier2}, head ${m.head}, index ${m.index}); cap ${CAP} B; ${sampler.samples.length} samples; ${writtenDatafileBytes()} datafile bytes written and ${load.ackedPoints()} points acknowledged in ${ingestMs} ms`;
}

/** Per series: acknowledged seqs present, and whether they form a suffix of the acknowledged ones with exact values. */
function suffixCheck(answer: readonly MatrixSeries[]): { problems: string[]; firstKept: number[] } {
  const byKey = new Map(answer.map((s) => [labelsKey(s.metric), s]));
  const problems: string[] = [];
  const firstKept: number[] = [];
  for (const sender of load.senders) {
    const acked = [...sender.acked].sort((a, b) => a - b);
    for (const series of sender.series) {
      const steps = new Map((byKey.get(labelsKey(series.labels))?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]));
      const present = (q: number): boolean => Object.is(steps.get(load.syn.timeOf(q)), valueFor(series.index, q));
      const first = acked.findIndex(present);
      if (first < 0) {
        problems.push(`${series.labels['job']}/${series.labels['series_key']}: no acknowledged point left`);
        continue;
      }
      firstKept.push(acked[first]!);
      const holes = acked.slice(first).filter((q) => !present(q));
      if (holes.length > 0) problems.push(`${series.labels['job']}/${series.labels['series_key']}: ${holes.length} acknowledged points missing or wrong after the oldest kept one (seq ${acked[first]}), first seq ${holes[0]} → ${steps.get(load.syn.timeOf(holes[0]!))}`);
      // Before the oldest kept point, nothing at all is served (no stale or foreign values).
      const before = [...steps.keys()].filter((t) => t < load.syn.timeOf(acked[first]!));
      if (before.length > 0) problems.push(`${series.labels['job']}/${series.labels['series_key']}: ${before.length} values served before the oldest kept point`);
    }
  }
  return { problems, firstKept };
}

describe('disk budget under sustained ingest', () => {
  it('wrote several times the budget through the ring', () => {
    expect(writtenDatafileBytes(), describeMax()).toBeGreaterThanOrEqual(TARGET_DATAFILE_BYTES);
    expect(load.oddAnswers).toEqual([]);
  });

  it('the store directory never exceeded the cap plus one datafile', () => {
    console.log(`[budget] ${describeMax()}`);
    expect(sampler.samples.length).toBeGreaterThan(100);
    expect(sampler.max().total, describeMax()).toBeLessThanOrEqual(CAP);
  });

  it('/metrics cairn_store_disk_bytes stayed within the cap plus one datafile', () => {
    expect(metricSamples.length).toBeGreaterThan(10);
    const worst = metricSamples.reduce((a, b) => (b.disk > a.disk ? b : a));
    expect(worst.disk, JSON.stringify(worst)).toBeLessThanOrEqual(CAP);
  });

  it('deleted the oldest datafiles (numbering no longer starts at 1)', () => {
    const files = datafiles(storePath);
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]!.name).not.toBe('00000001.cdf');
    // What is left of the ring fits the budget by itself.
    expect(files.reduce((n, f) => n + f.bytes, 0)).toBeLessThanOrEqual(BUDGET);
  });

  it('serves the newest data exactly and the oldest as nothing or a suffix', async () => {
    const answer = await agent.api.queryRangeAll(load.promName, load.syn.timeOf(0), load.syn.timeOf(load.maxSeq()), load.syn.stepMs, 0);
    const { problems, firstKept } = suffixCheck(answer);
    expect(problems.slice(0, 10), describeMax()).toEqual([]);
    // The oldest data is gone, the newest is all there.
    expect(Math.min(...firstKept)).toBeGreaterThan(0);
    expect(Math.max(...firstKept)).toBeLessThanOrEqual(load.maxSeq() - NEWEST_SEQS);
  });

  it('after a clean restart, the same: a suffix of the acknowledged data', async () => {
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const again = await startStoreAgent(config);
    agents.push(again);
    const answer = await again.api.queryRangeAll(load.promName, load.syn.timeOf(0), load.syn.timeOf(load.maxSeq()), load.syn.stepMs, 0);
    const { problems, firstKept } = suffixCheck(answer);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(Math.min(...firstKept)).toBeGreaterThan(0);
    expect(Math.max(...firstKept)).toBeLessThanOrEqual(load.maxSeq() - NEWEST_SEQS);
  });
});
