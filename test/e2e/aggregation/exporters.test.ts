// What the aggregation rules' `keep_input` and `to` mean for the exporters, on the real agent
// forwarding by remote write: inputs a `keep_input: false` rule takes are stored by nobody and
// forwarded by nobody, while its outputs go upstream; outputs of a `to: [store]` rule stay
// local (queryable) while the inputs that rule keeps are forwarded as usual.
import { afterAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import { FakeUpstream } from '../../support/fake-upstream.js';
import { caughtUp, exportersYaml } from '../../support/forwarding-agent.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';

const dir = tempDir('cairn-agg-fwd-');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  dir.remove();
});

const AGGREGATION = `aggregation:
  - match: '{__name__="gone_value"}'
    interval: 1m
    by: [job]
    outputs: [count_samples]
    keep_input: false
    to: [store, exporters]
    lag: 30m
  - match: '{__name__="local_value"}'
    interval: 1m
    by: [job]
    outputs: [max]
    keep_input: true
    to: [store]
    lag: 30m
`;

const names = (keys: Iterable<string>): Set<string> => new Set([...keys].map((k) => k.slice(0, k.indexOf('{'))));

describe('aggregation rules and the exporters', () => {
  it('keep_input: false keeps inputs from the exporters too, and to: [store] keeps outputs local', { timeout: 90_000 }, async () => {
    const upstream = await FakeUpstream.start();
    cleanups.push(() => upstream.close());
    const config = writeStoreConfig(dir.dir, 'agg.yaml', `${dir.dir}/store`, { page_points: 64, wal: { fsync: 'always' } }, AGGREGATION + exportersYaml({ up: { kind: 'prometheus_remote_write', endpoints: [upstream.url] } }));
    const agent: RunningAgent = await startStoreAgent(config);
    cleanups.push(() => agent.kill());
    const loads = ['gone', 'local', 'plain'].map((prefix) => new AckedLoad({ prefix, senders: 2, seriesPerSender: 2, pointsPerRequest: 10, baseMs: baseTimeMs(48), stepMs: 1000, pauseMs: 5 }));
    const runs = loads.map((l) => l.run(agent.grpc));
    await sleep(2500);
    for (const r of runs) r.stop();
    await Promise.all(runs.map((r) => r.done));
    // The last intervals close once the inputs have been quiet a while.
    const outputs = async (name: string): Promise<number> => (await agent.api.get<{ result: unknown[] }>('/api/v1/query', [['query', `count_over_time(${name}[10000d])`], ['time', String(Date.now() / 1000 + 86_400 * 365)]])).data.result.length;
    await eventually(async () => (await outputs('gone_value:1m_by_job_count_samples')) === 2 && (await outputs('local_value:1m_by_job_max')) === 2, 40_000, 'both rules to emit for both jobs', 500);
    await caughtUp(agent);
    const sent = names(upstream.accepted.keys());
    expect(sent.has('plain_value')).toBe(true);
    expect(sent.has('local_value')).toBe(true);
    expect(sent.has('gone_value:1m_by_job_count_samples')).toBe(true);
    expect(sent.has('gone_value')).toBe(false);
    expect(sent.has('local_value:1m_by_job_max')).toBe(false);
    // Nothing left out counts as dropped.
    const status = await caughtUp(agent);
    expect(status[0]!.droppedPoints).toEqual({});
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
  });
});
