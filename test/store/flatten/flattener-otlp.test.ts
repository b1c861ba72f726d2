// The Flattener on batches from the real protobuf decoder, with definitions filled in the way
// the ingest pipeline does (identify(decodeSeriesParts(...))).
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../src/model/index.js';
import { Flattener } from '../../../src/store/flatten/index.js';
import { identify } from '../../../src/model/index.js';
import { decodeSeriesParts, OtlpProtoDecoder, SOURCE_STRIDE } from '../../../src/workers/index.js';
import type { GenRequest } from '../../support/otlp-gen.js';
import { BASE_NS } from '../../support/otlp-gen.js';
import { pointAt, str } from '../../support/otlp-fixtures.js';
import { encodeRequest, LIMITS } from '../../support/otlp-oracle.js';
import { MapResolver, RecordingSink, RefRegistry, sortRows, STALE_BITS } from '../../support/store-units.js';

const T0 = Number(BASE_NS / 1_000_000n);

function decode(req: GenRequest): Batch {
  const bytes = encodeRequest(req);
  const out = new OtlpProtoDecoder(LIMITS).decode(bytes);
  expect(out.rejected).toBe(0);
  const batch: Batch = { ...out.batch, definitions: [] };
  batch.definitions = Array.from({ length: batch.seriesCount }, (_, i) => {
    const id = identify(decodeSeriesParts(bytes, out.sources, i * SOURCE_STRIDE), LIMITS);
    if (!id.ok) throw new Error(id.error);
    return id.def;
  });
  return batch;
}

const request: GenRequest = {
  resourceMetrics: [
    {
      resource: { attributes: [str('service.name', 'api'), str('service.instance.id', 'pod-1'), str('k8s.node.name', 'n1')] },
      scopeMetrics: [
        {
          scope: { name: 'io.opentelemetry.http', version: '2.1' },
          metrics: [
            {
              name: 'http.server.request.duration',
              unit: 's',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [pointAt(1, { count: '6', sum: 1.25, bucketCounts: ['1', '2', '3'], explicitBounds: [0.05, 0.5] }, [str('http.route', '/x')])],
              },
            },
            { name: 'http.server.requests', unit: '{request}', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [pointAt(2, { asInt: '42' })] } },
            { name: 'process.cpu.utilization', unit: '1', gauge: { dataPoints: [pointAt(3, { asDouble: 0.25 }), pointAt(4, { flags: 1 })] } },
          ],
        },
      ],
    },
  ],
};

describe('Flattener on decoded OTLP', () => {
  it('flattens a decoded histogram, counter and gauge (with a stale marker) into the expected series', () => {
    const resolver = new MapResolver();
    const sink = new RecordingSink(resolver);
    const registry = new RefRegistry();
    const batch = decode(request);
    const dropped = new Flattener(resolver).flatten(batch, registry.refsFor(batch), registry.byRef, sink);
    expect(dropped).toBe(0);
    const id = 'instance="pod-1",job="api"';
    const sc = 'otel_scope_name="io.opentelemetry.http",otel_scope_version="2.1"';
    const scope = `${id},${sc}`;
    const dur = 'http_server_request_duration_seconds';
    const route = `http_route="/x",${scope}`;
    const bucket = (le: string) => `${dur}_bucket{http_route="/x",${id},le="${le}",${sc}}`;
    const rows = sink.rows();
    expect(rows).toEqual(
      sortRows([
        [bucket('0.05'), T0 + 1, 1],
        [bucket('0.5'), T0 + 1, 3],
        [bucket('+Inf'), T0 + 1, 6],
        [`${dur}_count{${route}}`, T0 + 1, 6],
        [`${dur}_sum{${route}}`, T0 + 1, 1.25],
        [`http_server_requests_total{${scope}}`, T0 + 2, 42],
        [`process_cpu_utilization_ratio{${scope}}`, T0 + 3, 0.25],
        [`process_cpu_utilization_ratio{${scope}}`, T0 + 4, NaN],
        ['target_info{instance="pod-1",job="api",k8s_node_name="n1"}', T0 + 4, 1],
      ]),
    );
    const stale = sink.samples.find((s) => s.t === T0 + 4 && s.series.startsWith('process_cpu'));
    expect(stale?.bits).toBe(STALE_BITS);
  });
});
