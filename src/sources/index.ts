// Metrics the agent produces itself: the host collector and its own telemetry, on a shared kit.
export { startLocalSources } from './local-sources.js';
export type { LocalSources, LocalSourcesOptions } from './local-sources.js';
export type { LocalAppend } from './kit/index.js';
