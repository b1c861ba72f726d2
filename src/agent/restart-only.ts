import type { Config } from '../config/index.js';

/**
 * Keys a reload cannot change: where data lives, how many threads run, and what the agent
 * listens on (a listener cannot move without dropping the connections it holds), the rollup
 * tiers and the aggregation rules (built with the store), and the sections read only at start.
 * Everything else is taken by a reload (exporters included: exporters/exporter-set.ts).
 */
const RESTART_ONLY: readonly string[] = [
  'store',
  'workers.threads',
  'workers.idle_timeout',
  'receivers.otlp.grpc.enabled',
  'receivers.otlp.grpc.endpoint',
  'receivers.otlp.http.enabled',
  'receivers.otlp.http.endpoint',
  'api.enabled',
  'api.endpoint',
  // The rollup tiers are rings of the store; aggregation rules own state checkpointed with the head.
  'rollups',
  'aggregation',
  // Read once at start by the parts that use them (the query engine, the host collector, the
  // self telemetry, the shutdown path): refused rather than accepted and silently not applied.
  'query',
  'host',
  'telemetry',
  'shutdown',
  // The store flattens with the bucket limit it started with: raised in the workers alone, points
  // between the two limits would be acknowledged and then dropped by the store.
  'limits.max_buckets_per_point',
];

/**
 * The restart-only keys whose values differ between two configurations, as the full keys that
 * changed (`store.path`, not the whole `store` section), so the refusal names what to undo.
 */
export function restartOnlyChanges(current: Config, next: Config): string[] {
  return RESTART_ONLY.flatMap((path) => changedKeys(path, at(current, path), at(next, path)));
}

/** The keys under `path` whose values differ: leaves of nested sections, `path` itself otherwise. */
function changedKeys(path: string, a: unknown, b: unknown): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (!isSection(a) || !isSection(b)) return [path];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => changedKeys(`${path}.${k}`, a[k], b[k]));
}

function isSection(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(config: Config, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
  return value;
}
