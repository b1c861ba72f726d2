// Differential tests of the hand-written protobuf walker against the protobufjs oracle.
import { describe, expect, it } from 'vitest';
import { PointFlag } from '../../src/model/index.js';
import { decodeSeriesParts, SOURCE_STRIDE } from '../../src/workers/decode/proto-definition.js';
import { checkProto, generatedBytes, newDecoder, optionsFor, seriesOf } from '../support/differential.js';
import type { GenRequest, KeyValue } from '../support/otlp-gen.js';
import { ALL_KINDS, generateRequest, Rng } from '../support/otlp-gen.js';
import { forEachPoint, gaugeRequest, str } from '../support/otlp-fixtures.js';
import { encodeRequest, IdentityLedger, readBatch } from '../support/otlp-oracle.js';

const SEEDS = Array.from({ length: 150 }, (_, i) => i + 1);

describe('OtlpProtoDecoder against the protobufjs oracle', () => {
  it('decodes every point, payload and series of 150 generated requests exactly', () => {
    const decoder = newDecoder();
    const ledger = new IdentityLedger();
    let points = 0;
    for (const seed of SEEDS) points += checkProto(decoder, generatedBytes(seed), ledger, `seed ${seed}`).actual.length;
    expect(points).toBeGreaterThan(2000);
    expect(ledger.size).toBeGreaterThan(500);
  });

  it('covers every kind and flag in the generated requests', () => {
    const seen = new Set<string>();
    for (const seed of SEEDS.slice(0, 40)) {
      for (const p of checkProto(newDecoder(), generatedBytes(seed)).actual) {
        seen.add(`flags:${p.flags}`);
        if (p.flags & PointFlag.COMPOUND) seen.add(`extra:${p.extra.length > 7 ? 'long' : 'short'}`);
      }
    }
    expect([...seen].sort()).toEqual(['extra:long', 'extra:short', 'flags:0', 'flags:1', 'flags:2', 'flags:4']);
  });

  it('decodes requests of a single kind, one at a time, with one point per series', () => {
    for (const kind of ALL_KINDS) {
      for (let seed = 1000; seed < 1010; seed++) {
        checkProto(newDecoder(), encodeRequest(generateRequest(seed, { kinds: [kind], pointsPerMetric: 8 })), undefined, `${kind} ${seed}`);
      }
    }
  });

  it('gives the same hashes with a shared, a fresh and a tiny (constantly reset) series cache', () => {
    const shared = newDecoder();
    const tiny = newDecoder(3);
    const ledger = new IdentityLedger();
    for (const seed of SEEDS.slice(0, 60)) {
      const bytes = generatedBytes(seed);
      const a = checkProto(shared, bytes, ledger, `shared ${seed}`);
      const b = checkProto(newDecoder(), bytes, ledger, `fresh ${seed}`);
      const c = checkProto(tiny, bytes, ledger, `tiny ${seed}`);
      expect(b.actual.map((p) => p.hash)).toEqual(a.actual.map((p) => p.hash));
      expect(c.actual.map((p) => p.hash)).toEqual(a.actual.map((p) => p.hash));
    }
  });

  it('decodes a request that sits at an odd offset inside a larger buffer', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const bytes = generatedBytes(seed);
      const host = new Uint8Array(bytes.length + 10).fill(0xff);
      host.set(bytes, 7);
      const view = host.subarray(7, 7 + bytes.length);
      expect(checkProto(newDecoder(), view).actual).toEqual(checkProto(newDecoder(), bytes).actual);
    }
  });

  it('decodes the same bytes twice in a row to identical batches (no state carried over)', () => {
    const decoder = newDecoder();
    for (const seed of SEEDS.slice(0, 20)) {
      const bytes = generatedBytes(seed);
      const first = readBatch(decoder.decode(bytes).batch);
      expect(readBatch(decoder.decode(bytes).batch), `seed ${seed}`).toEqual(first);
    }
  });
});

describe('series identity', () => {
  /** Reverses/shuffles every attribute list (resource, scope, point, exemplar): same series. */
  function permuted(req: GenRequest, seed: number): GenRequest {
    const rng = new Rng(seed);
    const copy = structuredClone(req);
    for (const rm of copy.resourceMetrics) if (rm.resource) rm.resource.attributes = rng.shuffle(rm.resource.attributes).reverse();
    forEachPoint(copy, (p) => {
      p.attributes = rng.shuffle(p.attributes).reverse();
    });
    return copy;
  }

  it('does not depend on the order of resource or point attributes', () => {
    const warm = newDecoder();
    for (const seed of SEEDS.slice(0, 60)) {
      const req = generateRequest(seed, optionsFor(seed));
      const original = checkProto(warm, encodeRequest(req)).actual.map((p) => p.hash);
      const reordered = encodeRequest(permuted(req, seed));
      expect(checkProto(warm, reordered).actual.map((p) => p.hash), `warm ${seed}`).toEqual(original);
      expect(checkProto(newDecoder(), reordered).actual.map((p) => p.hash), `fresh ${seed}`).toEqual(original);
    }
  });

  it('is the same across requests and decoders for the same series', () => {
    const attrs = [str('b', '2'), str('a', '1'), { key: 'n', value: { intValue: '7' } }];
    const one = encodeRequest(gaugeRequest([attrs]));
    const two = encodeRequest(gaugeRequest([[str('x', 'other')], [...attrs].reverse()]));
    const d = newDecoder();
    const h1 = readBatch(d.decode(one).batch)[0]!.hash;
    const h2 = readBatch(d.decode(two).batch)[1]!.hash;
    const h3 = readBatch(newDecoder().decode(two).batch)[1]!.hash;
    expect(h2).toBe(h1);
    expect(h3).toBe(h1);
  });

  it('changes with every identifying part and not with the description', () => {
    const base: KeyValue[] = [str('a', '1'), str('b', '2')];
    const hashOf = (req: GenRequest): string => readBatch(newDecoder().decode(encodeRequest(req)).batch)[0]!.hash;
    const reference = hashOf(gaugeRequest([base]));
    const withResource = gaugeRequest([base]);
    withResource.resourceMetrics[0]!.resource!.attributes.push(str('host', 'h1'));
    const withScope = gaugeRequest([base]);
    withScope.resourceMetrics[0]!.scopeMetrics[0]!.scope = { name: 'sc', version: '2' };
    const asSum = gaugeRequest([]);
    const metric = asSum.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    const dataPoints = gaugeRequest([base]).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge!.dataPoints;
    delete metric.gauge;
    metric.sum = { dataPoints, aggregationTemporality: 2, isMonotonic: false };
    const variants: Record<string, GenRequest> = {
      'attribute value': gaugeRequest([[str('a', '1'), str('b', '3')]]),
      'attribute key': gaugeRequest([[str('a', '1'), str('c', '2')]]),
      'one attribute fewer': gaugeRequest([[str('a', '1')]]),
      'value moved to another key': gaugeRequest([[str('a', '2'), str('b', '1')]]),
      'metric name': gaugeRequest([base], { name: 'g2' }),
      unit: gaugeRequest([base], { unit: 's' }),
      'resource attribute': withResource,
      'scope version': withScope,
      kind: asSum,
    };
    const hashes = new Map<string, string>([[reference, 'reference']]);
    for (const [what, req] of Object.entries(variants)) {
      const h = hashOf(req);
      expect(hashes.get(h), `${what} collides`).toBeUndefined();
      hashes.set(h, what);
    }
    const sumOf = (temporality: number, isMonotonic: boolean): string => {
      metric.sum = { dataPoints, aggregationTemporality: temporality, isMonotonic };
      return hashOf(asSum);
    };
    expect(new Set([sumOf(1, false), sumOf(1, true), sumOf(2, true), sumOf(2, false)]).size).toBe(4);
    expect(hashOf(gaugeRequest([base], { description: 'something else' }))).toBe(reference);
  });

  it('lets a later duplicate key win, whatever the order of the other attributes', () => {
    const d = newDecoder();
    const bytes = encodeRequest(gaugeRequest([[str('k', 'old'), str('z', '1'), str('k', 'new')], [str('z', '1'), str('k', 'new')]]));
    const out = d.decode(bytes);
    const points = readBatch(out.batch);
    expect(points[0]!.hash).toBe(points[1]!.hash);
    expect(seriesOf(bytes, out, points[0]!.local).attributes).toEqual([['k', 'new'], ['z', '1']]);
  });
});

describe('series definitions', () => {
  it('renders every AnyValue type as its label string (attributes in wire order, kvlist keys sorted)', () => {
    const attrs: KeyValue[] = [
      str('s', 'ünï ✓'),
      { key: 'b', value: { boolValue: true } },
      { key: 'i', value: { intValue: '-9223372036854775808' } },
      { key: 'small', value: { intValue: '-42' } },
      { key: 'd', value: { doubleValue: 1.5 } },
      { key: 'inf', value: { doubleValue: -Infinity } },
      { key: 'by', value: { bytesValue: Uint8Array.from([0, 1, 254, 255]) } },
      { key: 'arr', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'x' }, {}, { arrayValue: { values: [{ boolValue: false }] } }] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'z', value: { doubleValue: NaN } }, { key: 'a', value: { bytesValue: Uint8Array.from([255]) } }] } } },
      { key: 'empty', value: {} },
      { key: 'none' },
    ];
    const bytes = encodeRequest(gaugeRequest([attrs]));
    const out = newDecoder().decode(bytes);
    expect(out.accepted).toBe(1);
    expect(decodeSeriesParts(bytes, out.sources, out.batch.series[0]! * SOURCE_STRIDE).attributes).toEqual([
      ['s', 'ünï ✓'],
      ['b', 'true'],
      ['i', '-9223372036854775808'],
      ['small', '-42'],
      ['d', '1.5'],
      ['inf', '-Infinity'],
      ['by', 'AAH+/w=='],
      ['arr', '[1,"x",null,[false]]'],
      ['kv', '{"a":"/w==","z":"NaN"}'], // a kvlist is a map: keys sorted
      ['empty', ''],
      ['none', ''],
    ]);
  });
});
