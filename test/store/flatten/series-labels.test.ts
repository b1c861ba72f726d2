// Labels of flattened series: point attributes, job/instance from the resource, the scope, and
// the target_info label set of a resource.
import { describe, expect, it } from 'vitest';
import type { Labels } from '../../../src/model/index.js';
import { baseLabels, jobAndInstance, labelsKey, targetInfoLabels, withName } from '../../../src/store/flatten/index.js';
import { seriesDef } from '../../support/store-units.js';

const RESOURCE: Labels = [
  ['host.name', 'h1'],
  ['os.type', 'linux'],
  ['service.instance.id', 'i-42'],
  ['service.name', 'checkout'],
  ['service.namespace', 'shop'],
];

describe('jobAndInstance', () => {
  it.each<[string, Labels, string | undefined, string | undefined]>([
    ['namespace and name', RESOURCE, 'shop/checkout', 'i-42'],
    ['name only', [['service.name', 'checkout']], 'checkout', undefined],
    ['instance only', [['service.instance.id', 'i-1']], undefined, 'i-1'],
    ['namespace without a name', [['service.namespace', 'shop']], undefined, undefined],
    ['nothing identifying', [['host.name', 'h1']], undefined, undefined],
    ['empty resource', [], undefined, undefined],
  ])('%s', (_, resource, job, instance) => {
    expect(jobAndInstance(resource)).toEqual({ job, instance });
  });
});

describe('baseLabels', () => {
  it('carries sanitized attributes, job, instance and the scope; no other resource attribute', () => {
    const def = seriesDef({ resource: RESOURCE, scopeName: 'io.otel.http', scopeVersion: '1.2.0', attributes: [['http.method', 'GET'], ['http.status_code', '200']] });
    expect([...baseLabels(def)].sort()).toEqual([
      ['http_method', 'GET'],
      ['http_status_code', '200'],
      ['instance', 'i-42'],
      ['job', 'shop/checkout'],
      ['otel_scope_name', 'io.otel.http'],
      ['otel_scope_version', '1.2.0'],
    ]);
  });

  it('leaves out job, instance and scope labels that have no source', () => {
    const def = seriesDef({ resource: [['service.namespace', 'ns']], attributes: [['k', 'v']] });
    expect([...baseLabels(def)]).toEqual([['k', 'v']]);
  });

  it('makes the attributes of a resource without service name or instance labels (no target_info carries them)', () => {
    const def = seriesDef({ resource: [['host.name', 'h1'], ['k', 'resource'], ['process.pid', '42']], attributes: [['k', 'v']] });
    expect(Object.fromEntries(baseLabels(def))).toEqual({ k: 'v', host_name: 'h1', process_pid: '42' });
    // With a service.name they stay on target_info only.
    const withService = seriesDef({ resource: [['host.name', 'h1'], ['service.name', 's']], attributes: [] });
    expect(Object.fromEntries(baseLabels(withService))).toEqual({ job: 's' });
  });

  it('keeps a process resource apart under a job/instance: process.pid and process.executable.name stay labels', () => {
    const resource: Labels = [['host.name', 'h1'], ['process.command', 'x'], ['process.executable.name', 'nginx'], ['process.pid', '42'], ['service.instance.id', 'h1'], ['service.name', 'cairn-host']];
    expect(Object.fromEntries(baseLabels(seriesDef({ resource, attributes: [['state', 'user']] })))).toEqual({
      state: 'user',
      job: 'cairn-host',
      instance: 'h1',
      process_pid: '42',
      process_executable_name: 'nginx',
    });
  });

  it('joins the values of attributes that collide after sanitizing with ";" in key order', () => {
    // Attribute sets are sorted by key: "a.b" < "a/b" < "a_b".
    const def = seriesDef({ attributes: [['a.b', '1'], ['a/b', '2'], ['a_b', '3'], ['c', '4']] });
    expect(Object.fromEntries(baseLabels(def))).toEqual({ a_b: '1;2;3', c: '4' });
  });

  it('sanitizes a leading digit with the key_ prefix', () => {
    expect(Object.fromEntries(baseLabels(seriesDef({ attributes: [['0.zone', 'z']] })))).toEqual({ key_0_zone: 'z' });
  });
});

describe('targetInfoLabels', () => {
  it('holds __name__, job, instance and every non-identifying resource attribute, sorted', () => {
    expect(targetInfoLabels(RESOURCE)).toEqual([
      ['__name__', 'target_info'],
      ['host_name', 'h1'],
      ['instance', 'i-42'],
      ['job', 'shop/checkout'],
      ['os_type', 'linux'],
    ]);
  });

  it('joins colliding resource attributes with ";"', () => {
    expect(targetInfoLabels([['k8s.pod', 'a'], ['k8s_pod', 'b'], ['service.name', 'svc']])).toEqual([
      ['__name__', 'target_info'],
      ['job', 'svc'],
      ['k8s_pod', 'a;b'],
    ]);
  });

  // As Prometheus' translator: no target_info without a job or instance to join it on, nor
  // when the resource has nothing beyond the attributes that make job and instance.
  it('gives no target_info without job/instance, or without other attributes', () => {
    expect(targetInfoLabels([['k8s.pod', 'a'], ['service.namespace', 'ns']])).toBeUndefined();
    expect(targetInfoLabels([['service.name', 'svc'], ['service.instance.id', 'i1']])).toBeUndefined();
  });
});

describe('withName and labelsKey', () => {
  it('adds __name__ and extra labels, sorts by name, drops empty values', () => {
    const base = new Map([
      ['zone', 'z1'],
      ['empty', ''],
      ['alpha', 'a'],
    ]);
    expect(withName(base, 'm_bucket', [['le', '0.5']])).toEqual([
      ['__name__', 'm_bucket'],
      ['alpha', 'a'],
      ['le', '0.5'],
      ['zone', 'z1'],
    ]);
    expect(base.has('__name__')).toBe(false);
  });

  it('gives equal keys to equal label sets and distinct keys to sets differing in one character', () => {
    expect(labelsKey([['a', 'b,c']])).toBe(labelsKey([['a', 'b,c']]));
    expect(labelsKey([['a', 'b,c']])).not.toBe(labelsKey([['a,b', 'c']]));
    expect(labelsKey([['a', 'b']])).not.toBe(labelsKey([['a', 'b'], ['c', 'd']]));
  });
});
