import type { Failure, Outcome } from '../component/index.js';

/** Why a request is refused for good: malformed, over a size limit, or a fault of ours. */
export type IngestRejection = 'invalid' | 'too_large' | 'internal';

/**
 * What the pipeline says about one export request. `refused`: the in-flight budget is full;
 * `retryable`: a worker died, the store cannot write, or the agent is shutting down.
 */
export type IngestOutcome = Outcome<{ readonly accepted: number; readonly rejected: number; readonly errorMessage: string }, IngestRejection>;

export type IngestFailure = Failure<IngestRejection>;

export type Format = 'protobuf' | 'json';

/**
 * How a request ended, as labelled on the request duration histogram: `partial` is an OK answer
 * carrying partial_success, `refused` a retryable refusal, `invalid` a permanent client error
 * (malformed, too large, wrong path or type), `error` a fault of ours, `aborted` no answer
 * (the client went away or cancelled), `unauthenticated` a missing or wrong token, `too_slow`
 * a body below the minimum rate or past the body timeout.
 */
export type RequestOutcome = 'ok' | 'partial' | 'refused' | 'invalid' | 'error' | 'aborted' | 'unauthenticated' | 'too_slow';

export function requestOutcomeOf(outcome: IngestOutcome): RequestOutcome {
  switch (outcome.status) {
    case 'ok':
      return outcome.rejected > 0 || outcome.errorMessage !== '' ? 'partial' : 'ok';
    case 'permanent':
      return outcome.reason === 'internal' ? 'error' : 'invalid';
    case 'refused':
    case 'retryable':
      return 'refused';
  }
}
