/**
 * One thing wrong with a configuration. Problems are collected rather than
 * thrown so a user fixing a file sees every mistake in one run.
 */
export interface ConfigProblem {
  /**
   * Dotted key path (`receivers.otlp.grpc.endpoint`), or `line N, column M`
   * for problems found in the text before it has a structure (YAML syntax,
   * environment references).
   */
  readonly path: string;
  /** The offending value exactly as given (after environment expansion). */
  readonly value: unknown;
  /** What would have been accepted, phrased to follow "expected". */
  readonly expected: string;
}

/** The path used for the document itself, which has no key. */
export const ROOT_PATH = '(top level)';
