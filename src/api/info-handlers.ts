import { answer } from './api-context.js';
import type { ApiHandler } from './api-context.js';
import { invalidParam } from './api-error.js';
import { jsonString, jsonStringRecord } from './json-encode.js';
import type { RequestParams } from './request-params.js';

/**
 * The Prometheus release whose query API cairn answers like. Grafana reads it from buildinfo to
 * decide which endpoints and parameters it may use; an empty `features` map (ours has none)
 * makes Grafana treat the source as Prometheus rather than Mimir.
 */
export const PROMETHEUS_API_VERSION = '2.53.0';

/** `GET /api/v1/status/buildinfo`. */
export const handleBuildInfo: ApiHandler = async () =>
  answer(jsonStringRecord({ version: PROMETHEUS_API_VERSION, revision: '', branch: '', buildUser: 'cairn', buildDate: '', goVersion: '' }));

/**
 * `GET /api/v1/metadata`: type, help and unit per metric family, from the OTel definitions the
 * store keeps. `metric` picks one family, `limit` caps families, `limit_per_metric` entries each.
 */
export const handleMetadata: ApiHandler = async (params, ctx) => {
  const limit = count(params, 'limit');
  const perMetric = count(params, 'limit_per_metric');
  const only = params.first('metric');
  const families = new Map<string, Map<string, string>>();
  for (const m of (await ctx.querier.metadata?.()) ?? []) {
    if (only !== '' && m.metric !== only) continue;
    let entries = families.get(m.metric);
    if (entries === undefined) {
      if (limit > 0 && families.size >= limit) continue;
      families.set(m.metric, (entries = new Map()));
    }
    const entry = `{"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`;
    if (perMetric === 0 || entries.size < perMetric) entries.set(entry, entry);
  }
  const body = [...families.entries()].map(([name, entries]) => `${jsonString(name)}:[${[...entries.values()].join(',')}]`);
  return answer(`{${body.join(',')}}`);
};

/** Prometheus' limit parameters: absent, 0 or negative mean no limit. */
function count(params: RequestParams, name: string): number {
  const text = params.first(name);
  if (text === '') return 0;
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParam(name, `cannot parse ${JSON.stringify(text)} to a valid number`);
  return Math.max(0, n);
}

/** `GET|POST /api/v1/query_exemplars`: no exemplars are stored. */
export const handleExemplars: ApiHandler = async () => answer('[]');

/** `GET /api/v1/rules`: cairn evaluates no rules; Grafana's alert list wants this shape, not a 404. */
export const handleRules: ApiHandler = async () => answer('{"groups":[]}');

/** `GET /api/v1/alerts`: no alerting rules, so no alerts. */
export const handleAlerts: ApiHandler = async () => answer('{"alerts":[]}');
