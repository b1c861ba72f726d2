// OTLP forwarding to a second cairn agent (a real OTLP receiver), over gRPC and over HTTP: the
// SDK's points reach agent A; A forwards them to B; B stores exactly what A stored. Both also
// forward by remote write to a mirror each, and the mirrors receive identical samples: every
// point, attribute, resource attribute, scope and histogram bucket survived the round trip.
import { afterEach, describe, expect, it } from 'vitest';
import { makeExporter, runWorkload } from '../../support/otel-sdk.js';
import { FakeUpstream, pointsAndInfos } from '../../support/fake-upstream.js';
import { caughtUp, startForwardingAgent } from '../../support/forwarding-agent.js';
import { tempDir } from '../../support/cli.js';
import type { RunningAgent } from '../../support/store-agent.js';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function agent(entries: Record<string, Record<string, unknown>>): Promise<RunningAgent> {
  const a = await startForwardingAgent(tempDir('cairn-fwd-store-').dir, entries);
  cleanups.push(() => a.stop());
  return a;
}

describe('OTLP forwarding to a second cairn', () => {
  for (const kind of ['otlp_grpc', 'otlp_http'] as const) {
    it(`${kind}: the upstream agent stores exactly what the first one stored`, async () => {
      const mirrorA = await FakeUpstream.start();
      const mirrorB = await FakeUpstream.start();
      cleanups.push(() => mirrorA.close(), () => mirrorB.close());
      const b = await agent({ mirror: { kind: 'prometheus_remote_write', endpoints: [mirrorB.url] } });
      const endpoint = kind === 'otlp_grpc' ? b.grpc : b.httpUrl;
      const a = await agent({
        up: { kind, endpoints: [endpoint] },
        mirror: { kind: 'prometheus_remote_write', endpoints: [mirrorA.url] },
      });
      const resource = { 'service.name': 'otlp-fwd', 'service.instance.id': 'x-1', 'host.name': 'h-1', 'cloud.region': 'eu' };
      await runWorkload(makeExporter('grpc', a.grpc, a.httpUrl), resource);
      await runWorkload(makeExporter('http-json', a.grpc, a.httpUrl), { ...resource, 'service.instance.id': 'x-2' });
      const statusA = await caughtUp(a);
      expect(statusA.map((s) => s.droppedPoints)).toEqual([{}, {}]);
      expect(statusA[0]!.sentPoints).toBeGreaterThan(0);
      await caughtUp(b);
      expect(mirrorA.accepted.size).toBeGreaterThan(0);
      // target_info is sampled once per request: its label sets must match, not its times.
      const fromA = pointsAndInfos(mirrorA.accepted.keys());
      expect(fromA.points.length).toBeGreaterThan(20);
      expect(pointsAndInfos(mirrorB.accepted.keys())).toEqual(fromA);
    });
  }
});
