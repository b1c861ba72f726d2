import type { ConfigProblem } from './problem.js';

/** Variables visible to expansion; `process.env` in production. */
export type Environment = Readonly<Record<string, string | undefined>>;

export type ExpandResult = { readonly text: string } | { readonly problems: readonly ConfigProblem[] };

// `$$` first so an escaped dollar is never mistaken for the start of a reference.
// The reference arm is deliberately loose (anything up to `}`) so malformed
// names are reported instead of being silently left in the text.
const TOKEN_RE = /\$\$|\$\{([^}\n]*)\}|\$\{/g;
const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const FULL_LINE_COMMENT_RE = /^\s*#/;

/**
 * Expands `${VAR}` and `${VAR:-default}` in raw configuration text before it
 * is parsed, as the OpenTelemetry Collector does; `$$` yields a literal `$`.
 * As in the shell, `:-` also applies the default when VAR is set but empty.
 * Full-line comments are left alone so documentation inside a config file
 * can mention variables that are not set. Every unset or malformed reference
 * is reported, not just the first.
 */
export function expandEnv(text: string, env: Environment): ExpandResult {
  const problems: ConfigProblem[] = [];
  const lines = text.split('\n').map((line, index) => {
    if (FULL_LINE_COMMENT_RE.test(line)) return line;
    return line.replace(TOKEN_RE, (token: string, body: string | undefined) => {
      if (token === '$$') return '$';
      const resolved = body === undefined ? undefined : resolve(body, env);
      if (resolved !== undefined) return resolved;
      problems.push(referenceProblem(token, body, index + 1));
      return token;
    });
  });
  return problems.length > 0 ? { problems } : { text: lines.join('\n') };
}

function resolve(body: string, env: Environment): string | undefined {
  const match = REFERENCE_RE.exec(body);
  if (!match) return undefined;
  const [, name = '', fallback] = match;
  const value = env[name];
  if (fallback === undefined) return value;
  return value === undefined || value === '' ? fallback : value;
}

function referenceProblem(token: string, body: string | undefined, line: number): ConfigProblem {
  const name = body === undefined ? undefined : REFERENCE_RE.exec(body)?.[1];
  const expected =
    name === undefined
      ? 'a reference like ${NAME} or ${NAME:-default} (write $$ for a literal $)'
      : `environment variable ${name} to be set (or a default: \${${name}:-value})`;
  return { path: `line ${line}`, value: token, expected };
}
