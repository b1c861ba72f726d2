// Rollup tiers in the real agent, through its worker pool: 8 hours of data (tier 1 writes a
// series every 4 h of it, 240 rows), a stop and a start, then counts over the tiers equal the
// counts over the raw samples, hour by hour.
import { afterAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';

const HOUR = 3_600_000;
const dir = tempDir('cairn-tiers-agent-');
const alive: RunningAgent[] = [];
afterAll(async () => {
  await Promise.all(alive.map((a) => a.kill()));
  dir.remove();
});

/** A sample of the agent's own /metrics with label tier="…" (0 when absent). */
async function selfMetric(agent: RunningAgent, name: string, tier: string): Promise<number> {
  const text = await (await fetch(`${agent.api.base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`tier="${tier}"`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('rollup tiers in the agent', () => {
  it('tier 1 and tier 2 rows written through the worker pool count every sample once', { timeout: 90_000 }, async () => {
    const config = writeStoreConfig(dir.dir, 'cairn.yaml', `${dir.dir}/store`, {});
    let agent = await startStoreAgent(config);
    alive.push(agent);
    // Hour-aligned start two days back; one point every 10 s, 60 per request.
    const base = Math.floor((Date.now() - 48 * HOUR) / HOUR) * HOUR;
    const load = new AckedLoad({ prefix: 'tiered', senders: 2, seriesPerSender: 3, pointsPerRequest: 60, baseMs: base, stepMs: 10_000 });
    const run = load.run(agent.grpc);
    await eventually(() => load.senders.every((s) => s.acked.size >= 8 * 360), 60_000, '8 hours of data acknowledged', 100);
    run.stop();
    await run.done;
    expect(load.senders.every((s) => s.unacked.size === 0)).toBe(true);
    // Tier 1 writes a series' 4 h pages as they fill (in the worker pool), the rest at the stop.
    await eventually(async () => (await selfMetric(agent, 'cairn_rollup_rows_written_total', '1')) > 0, 20_000, 'tier 1 rows written', 200);
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    agent = await startStoreAgent(config);
    alive.push(agent);
    // Both tiers hold pages now (tier 2's were written at the stop).
    for (const tier of ['1', '2']) expect(await selfMetric(agent, 'cairn_store_datafile_bytes', tier), `tier ${tier} bytes`).toBeGreaterThan(1000);

    const counts = async (tier: number): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (const s of await agent.api.queryRange('count_over_time(tiered_value[1h])', base + HOUR, base + 8 * HOUR, HOUR, tier)) for (const [t, v] of s.values) out.set(`${JSON.stringify(s.metric)}@${t}`, Number(v));
      return out;
    };
    const raw = await counts(0);
    expect(raw.size).toBe(6 * 8);
    for (const v of raw.values()) expect(v).toBe(360);
    expect(await counts(1)).toEqual(raw);
    expect(await counts(2)).toEqual(raw);
  });
});
