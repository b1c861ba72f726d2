import { CairnError, ErrorCodes } from '../errors/index.js';

/** The `errorType` values of the Prometheus HTTP API that cairn answers with. */
export type ApiErrorType = 'bad_data' | 'execution' | 'timeout' | 'unavailable' | 'internal' | 'not_found';

/** A failed API call as the envelope reports it. */
export interface ApiFailure {
  readonly errorType: ApiErrorType;
  readonly message: string;
}

/** The API's own codes, kept under these names for its callers. */
export const ApiErrorCodes = {
  QUERY_TIMEOUT: ErrorCodes.QUERY_TIMEOUT,
  NOT_FOUND: ErrorCodes.API_NOT_FOUND,
} as const;

/** HTTP status per error type, as Prometheus' `respondError` chooses them. */
export const HTTP_STATUS_OF: Readonly<Record<ApiErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  unavailable: 503,
  internal: 500,
  not_found: 404,
};

const TYPE_OF_CODE: Readonly<Record<string, ApiErrorType>> = {
  [ErrorCodes.QUERY_BAD_DATA]: 'bad_data',
  [ErrorCodes.QUERY_EXECUTION]: 'execution',
  // Prometheus answers "too many samples" as an execution error (422).
  [ErrorCodes.QUERY_TOO_MANY_SAMPLES]: 'execution',
  [ErrorCodes.STORE_UNAVAILABLE]: 'unavailable',
  [ErrorCodes.SHUTTING_DOWN]: 'unavailable',
  [ErrorCodes.OVERLOADED]: 'unavailable',
  [ApiErrorCodes.QUERY_TIMEOUT]: 'timeout',
  [ApiErrorCodes.NOT_FOUND]: 'not_found',
};

export { badData, invalidParam } from '../query/index.js';

/** Anything thrown while answering becomes an envelope error; unknown errors are internal. */
export function failureOf(err: unknown): ApiFailure {
  if (err instanceof CairnError) return { errorType: TYPE_OF_CODE[err.code] ?? 'internal', message: err.message };
  return { errorType: 'internal', message: err instanceof Error ? err.message : String(err) };
}
