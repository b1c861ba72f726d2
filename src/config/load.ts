import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { expandEnv, type Environment } from './env.js';
import { ConfigError } from './errors.js';
import type { ConfigProblem } from './problem.js';
import type { Config } from './types.js';
import { validate } from './validate.js';

export interface LoadOptions {
  /** Variables for `${VAR}` expansion; defaults to `process.env`. */
  readonly env?: Environment;
}

const KEY_RE = /^(.*?):(?:\s|$)/;
const SECRET_LINE = /token|secret|password|authorization|bearer/i;

type Parsed = { readonly raw: unknown } | { readonly problems: readonly ConfigProblem[] };

/**
 * The configuration in `file` resolved over the built-in defaults, or the
 * defaults alone when no file is given. Throws ConfigError (code
 * CAIRN_ERR_CONFIG_READ or CAIRN_ERR_CONFIG_INVALID) listing every problem.
 */
export function loadConfig(file?: string, options: LoadOptions = {}): Config {
  if (file === undefined) return resolve('(defaults)', null);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw ConfigError.unreadable(file, err);
  }
  const expanded = expandEnv(text, options.env ?? process.env);
  if ('problems' in expanded) throw ConfigError.invalid(file, expanded.problems);
  const parsed = parseYaml(expanded.text);
  if ('problems' in parsed) throw ConfigError.invalid(file, parsed.problems);
  return resolve(file, parsed.raw);
}

function resolve(file: string, raw: unknown): Config {
  const result = validate(raw);
  if ('problems' in result) throw ConfigError.invalid(file, result.problems);
  return result.config;
}

function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  // Warnings (unresolved tags and the like) count as problems: a config that
  // only half means what it says is worse than one that is refused.
  // logLevel 'error' keeps the library from printing warnings itself.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const issues = [...doc.errors, ...doc.warnings];
  if (issues.length > 0) return { problems: issues.map((issue) => yamlProblem(issue, text, lineCounter)) };
  try {
    return { raw: doc.toJS() };
  } catch (err) {
    // toJS refuses documents that expand aliases excessively (billion laughs).
    const reason = err instanceof Error ? err.message : String(err);
    return { problems: [{ path: '(document)', value: null, expected: `a loadable YAML document (${reason})` }] };
  }
}

function yamlProblem(issue: YAMLError, text: string, lineCounter: LineCounter): ConfigProblem {
  const [start] = issue.pos;
  const { line, col } = lineCounter.linePos(start);
  const path = `line ${line}, column ${col}`;
  const source = text.split('\n')[line - 1] ?? '';
  if (issue.code === 'DUPLICATE_KEY') {
    // The error only marks where the key starts; show the key itself.
    const key = KEY_RE.exec(source.slice(col - 1))?.[1] ?? source.trim();
    return { path, value: key, expected: 'each key at most once in a mapping (duplicate key)' };
  }
  // The line is shown to help find the mistake, unless it may hold a secret.
  const value = SECRET_LINE.test(source) ? '(hidden)' : source.trim();
  return { path, value, expected: `valid YAML (${issue.message})` };
}
