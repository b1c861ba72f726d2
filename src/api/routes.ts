import type { ApiHandler } from './api-context.js';
import { handleExporters } from './exporters-handler.js';
import { handleAlerts, handleBuildInfo, handleExemplars, handleMetadata, handleRules, handleTsdbStatus } from './info-handlers.js';
import { handleLabels, handleLabelValues, handleSeries } from './label-handlers.js';
import { handleFormatQuery, handleQuery, handleQueryRange } from './query-handlers.js';

export interface ApiRoute {
  readonly handler: ApiHandler;
  /** Answers from the store, so refused with 503 until the agent reports ready. */
  readonly needsStore: boolean;
}

/** The Prometheus-compatible endpoints; each takes GET, or POST with a url-encoded form. */
const API_ROUTES: Readonly<Record<string, ApiRoute>> = {
  '/api/v1/query': { handler: handleQuery, needsStore: true },
  '/api/v1/query_range': { handler: handleQueryRange, needsStore: true },
  '/api/v1/series': { handler: handleSeries, needsStore: true },
  '/api/v1/labels': { handler: handleLabels, needsStore: true },
  '/api/v1/query_exemplars': { handler: handleExemplars, needsStore: false },
  '/api/v1/metadata': { handler: handleMetadata, needsStore: true },
  '/api/v1/format_query': { handler: handleFormatQuery, needsStore: false },
  '/api/v1/rules': { handler: handleRules, needsStore: false },
  '/api/v1/alerts': { handler: handleAlerts, needsStore: false },
  '/api/v1/status/buildinfo': { handler: handleBuildInfo, needsStore: false },
  '/api/v1/status/tsdb': { handler: handleTsdbStatus, needsStore: true },
  '/api/v1/status/exporters': { handler: handleExporters, needsStore: false },
};
const LABEL_VALUES: ApiRoute = { handler: handleLabelValues, needsStore: true };
const LABEL_VALUES_PATH = /^\/api\/v1\/label\/([^/]*)\/values$/;

export const API_METHODS = ['GET', 'POST'] as const;

/** The route for a path; for label values also the `<name>` segment, still percent-encoded. */
export function findApiRoute(path: string): { readonly route: ApiRoute; readonly pathParam: string } | undefined {
  const route = API_ROUTES[path];
  if (route !== undefined) return { route, pathParam: '' };
  const label = LABEL_VALUES_PATH.exec(path);
  return label === null ? undefined : { route: LABEL_VALUES, pathParam: label[1]! };
}
