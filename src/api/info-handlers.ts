import { answer } from './api-context.js';
import type { ApiHandler } from './api-context.js';
import { jsonStringRecord } from './json-encode.js';

/**
 * The Prometheus release whose query API cairn answers like. Grafana reads it from buildinfo to
 * decide which endpoints and parameters it may use; an empty `features` map (ours has none)
 * makes Grafana treat the source as Prometheus rather than Mimir.
 */
export const PROMETHEUS_API_VERSION = '2.53.0';

/** `GET /api/v1/status/buildinfo`. */
export const handleBuildInfo: ApiHandler = async () =>
  answer(jsonStringRecord({ version: PROMETHEUS_API_VERSION, revision: '', branch: '', buildUser: 'cairn', buildDate: '', goVersion: '' }));

/** `GET /api/v1/metadata`: cairn keeps no per-metric HELP/TYPE index yet, so the map is empty. */
export const handleMetadata: ApiHandler = async () => answer('{}');

/** `GET|POST /api/v1/query_exemplars`: no exemplars are stored. */
export const handleExemplars: ApiHandler = async () => answer('[]');
