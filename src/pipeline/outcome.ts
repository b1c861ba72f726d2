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

/**
 * How a request ended, as labelled on the request duration histogram: `partial` is an OK answer
 * carrying partial_success, `refused` a retryable refusal, `invalid` a permanent client error
 * (malformed, too large, wrong path or type), `error` a fault of ours, `aborted` no answer
 * (the client went away or cancelled).
 */
export type RequestOutcome = 'ok' | 'partial' | 'refused' | 'invalid' | 'error' | 'aborted';

export function requestOutcomeOf(outcome: IngestOutcome): RequestOutcome {
  switch (outcome.status) {
    case 'ok':
      return outcome.rejected > 0 || outcome.errorMessage !== '' ? 'partial' : 'ok';
    case 'invalid':
    case 'too_large':
      return 'invalid';
    case 'refused':
    case 'unavailable':
      return 'refused';
    case 'internal':
      return 'error';
  }
}
