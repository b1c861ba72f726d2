import { CairnError, ErrorCodes } from '../errors/index.js';
import type { ConfigProblem } from './problem.js';

// Long values (a whole mis-nested section) would bury the rest of the report.
const MAX_VALUE_CHARS = 80;

/** A configuration that could not be read or is not valid; see `problems`. */
export class ConfigError extends CairnError {
  readonly file: string | undefined;
  readonly problems: readonly ConfigProblem[];

  private constructor(
    code: string,
    message: string,
    file: string | undefined,
    problems: readonly ConfigProblem[],
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }

  /** One line per problem: `<file>: <path>: got <value>, expected <expected>`. */
  static invalid(file: string, problems: readonly ConfigProblem[]): ConfigError {
    const lines = problems.map((p) => `${file}: ${p.path}: got ${formatValue(p.value)}, expected ${p.expected}`);
    return new ConfigError(ErrorCodes.CONFIG_INVALID, lines.join('\n'), file, problems);
  }

  static unreadable(file: string, cause: unknown): ConfigError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ConfigError(ErrorCodes.CONFIG_READ, `${file}: cannot read config file: ${reason}`, file, [], cause);
  }
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    // JSON would print Infinity and NaN (YAML .inf, .nan) as null.
    text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    // Anchors and aliases can build cyclic structures JSON cannot print.
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
