export { Admission } from './admission.js';
export type { IngestOutcome, IngestFailure, Format } from './outcome.js';
export { IngestPipeline } from './ingest.js';
export type { IngestOptions, Ticket } from './ingest.js';
