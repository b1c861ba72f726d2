import type { Labels, SeriesDefinition } from '../../model/index.js';
import { sanitizeLabelName } from './prometheus-names.js';

/** A Prometheus label set, sorted by name, `__name__` included. */
export type PromLabels = readonly (readonly [string, string])[];

/** Resource attributes promoted to `job` / `instance` instead of going to `target_info`. */
const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);
/**
 * Resource attributes that also become labels under a job/instance (as Prometheus'
 * `promote_resource_attributes` would): the hostmetrics receiver puts each process under a
 * resource of its own, and without its pid every process would fall into one series.
 */
const PROMOTED = /^process\.(?:pid|executable\.name)$/;

/** `job` and `instance` from the resource, as Prometheus' OTLP translator derives them. */
export function jobAndInstance(resource: Labels): { job: string | undefined; instance: string | undefined } {
  const get = (k: string): string | undefined => resource.find(([key]) => key === k)?.[1];
  const service = get('service.name');
  const namespace = get('service.namespace');
  const job = service === undefined ? undefined : namespace !== undefined && namespace !== '' ? `${namespace}/${service}` : service;
  return { job, instance: get('service.instance.id') };
}

/**
 * The labels every Prometheus series of an OTel series carries: its point attributes
 * (names sanitized; attributes colliding after sanitizing have their values joined by `;`
 * in key order), `job`, `instance`, `otel_scope_name`, `otel_scope_version`.
 *
 * A resource with neither `service.name` nor `service.instance.id` has no `target_info` to
 * carry its attributes (nothing to join on), where Prometheus' translator drops them; cairn
 * makes them labels instead (a point attribute of the same name wins). `process.pid` and
 * `process.executable.name` are labels under a job/instance too, so per-process series stay
 * apart (docs/store.md "Decisions").
 */
export function baseLabels(def: SeriesDefinition): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of def.attributes) {
    const name = sanitizeLabelName(k);
    const prev = out.get(name);
    out.set(name, prev === undefined ? v : `${prev};${v}`);
  }
  const { job, instance } = jobAndInstance(def.resource);
  if (job !== undefined) out.set('job', job);
  if (instance !== undefined) out.set('instance', instance);
  const local = job === undefined && instance === undefined;
  for (const [k, v] of def.resource) {
    if (IDENTIFYING.has(k) || !(local || PROMOTED.test(k))) continue;
    const name = sanitizeLabelName(k);
    if (!out.has(name)) out.set(name, v);
  }
  if (def.scopeName !== '') out.set('otel_scope_name', def.scopeName);
  if (def.scopeVersion !== '') out.set('otel_scope_version', def.scopeVersion);
  return out;
}

/**
 * The `target_info` labels of a resource: job, instance and every other attribute; undefined
 * when there are no other attributes or nothing to join on (as Prometheus' translator).
 */
export function targetInfoLabels(resource: Labels): PromLabels | undefined {
  if (!resource.some(([k]) => !IDENTIFYING.has(k))) return undefined;
  const out = new Map<string, string>([['__name__', 'target_info']]);
  const { job, instance } = jobAndInstance(resource);
  if (job === undefined && instance === undefined) return undefined;
  if (job !== undefined) out.set('job', job);
  if (instance !== undefined) out.set('instance', instance);
  for (const [k, v] of resource) {
    if (IDENTIFYING.has(k)) continue;
    const name = sanitizeLabelName(k);
    const prev = out.get(name);
    out.set(name, prev === undefined ? v : `${prev};${v}`);
  }
  return sortLabels(out);
}

/** Adds `__name__` and extra labels to a base set and sorts by name. */
export function withName(base: ReadonlyMap<string, string>, name: string, extra?: readonly (readonly [string, string])[]): PromLabels {
  const m = new Map(base);
  m.set('__name__', name);
  if (extra !== undefined) for (const [k, v] of extra) m.set(k, v);
  return sortLabels(m);
}

function sortLabels(m: ReadonlyMap<string, string>): PromLabels {
  return [...m.entries()].filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** A canonical string key of a label set (exact: JSON keeps every character distinct). */
export function labelsKey(labels: PromLabels): string {
  return JSON.stringify(labels);
}
