/**
 * What the pipeline says about one export request, in protocol-neutral terms. Only the
 * receivers turn these into gRPC codes or HTTP statuses.
 */
export type IngestOutcome =
  | { readonly status: 'ok'; readonly accepted: number; readonly rejected: number; readonly errorMessage: string }
  /** The request is malformed: permanent, the client must not retry it. */
  | { readonly status: 'invalid'; readonly message: string }
  /** The request is over a size limit: permanent. */
  | { readonly status: 'too_large'; readonly message: string }
  /** The in-flight budget is full: retry after the delay. */
  | { readonly status: 'refused'; readonly message: string; readonly retryAfterMs: number }
  /** A transient failure (a worker died, the store cannot write, shutting down): retry. */
  | { readonly status: 'unavailable'; readonly message: string; readonly retryAfterMs: number }
  /** A fault of ours; retrying would not help. */
  | { readonly status: 'internal'; readonly message: string };

export type IngestFailure = Exclude<IngestOutcome, { status: 'ok' }>;

export type Format = 'protobuf' | 'json';
