// A reload refuses every change it would not apply, naming the keys: parts read only at start
// (query engine, host collector, self telemetry, shutdown) and the store's bucket limit, which a
// reload would raise in the workers alone (points acknowledged, then dropped by the store).
import { describe, expect, it } from 'vitest';
import { restartOnlyChanges } from '../../src/agent/restart-only.js';
import type { Config } from '../../src/config/index.js';
import { defaultConfig } from '../../src/config/index.js';

function changed(edit: (c: Record<string, Record<string, unknown>>) => void): string[] {
  const next = structuredClone(defaultConfig) as unknown as Record<string, Record<string, unknown>>;
  edit(next);
  return restartOnlyChanges(defaultConfig, next as unknown as Config);
}

describe('restartOnlyChanges', () => {
  it('names each restart-only key that changed, and nothing for keys a reload applies', () => {
    expect(changed((c) => (c['host']!['interval'] = 30_000))).toEqual(['host.interval']);
    expect(changed((c) => (c['query']!['max_samples'] = 5))).toEqual(['query.max_samples']);
    expect(changed((c) => (c['limits']!['max_buckets_per_point'] = 4096))).toEqual(['limits.max_buckets_per_point']);
    expect(changed((c) => (c['store']!['path'] = '/elsewhere'))).toEqual(['store.path']);
    expect(changed((c) => (c['limits']!['max_series'] = 10))).toEqual([]);
    expect(changed((c) => (c['log']!['level'] = 'debug'))).toEqual([]);
  });
});
