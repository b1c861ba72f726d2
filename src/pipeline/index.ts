export { Admission } from './admission.js';
export type { IngestOutcome, IngestFailure, IngestRejection, Format, RequestOutcome } from './outcome.js';
export { requestOutcomeOf } from './outcome.js';
export { IngestPipeline } from './ingest.js';
export type { IngestOptions, Ticket } from './ingest.js';
export { SeriesLimiter } from './series-limiter.js';
export type { SeriesLimitSettings } from './series-limiter.js';
