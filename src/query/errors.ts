import { CairnError, ErrorCodes } from '../errors/index.js';

/** A query the user must fix (Prometheus' `bad_data`): parse errors, bad regexes, bad parameters. */
export function badData(message: string): CairnError {
  return new CairnError(ErrorCodes.QUERY_BAD_DATA, message);
}

/** `invalid parameter "<name>": <reason>`, Prometheus' wording for a parameter it could not use. */
export function invalidParam(name: string, reason: string): CairnError {
  return badData(`invalid parameter ${JSON.stringify(name)}: ${reason}`);
}

/** An error while evaluating a valid query (Prometheus' `execution`, HTTP 422): matching, duplicate series, bad parameters. */
export function executionError(message: string): CairnError {
  return new CairnError(ErrorCodes.QUERY_EXECUTION, message);
}
