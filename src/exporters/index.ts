// Forwarding: exporters that read the store's log and deliver it upstream (docs/forwarding.md).
export { ExporterSet } from './exporter-set.js';
export type { ExporterSetOptions } from './exporter-set.js';
export { Exporter, cursorName } from './exporter.js';
export type { ExporterStatus } from './exporter-status.js';
export type { EndpointState, EndpointStatus } from './chain/failover-sender.js';
export { validateExporter, validateExporters } from './validate.js';
export { readCredentials } from './transport/exporter-credentials.js';
