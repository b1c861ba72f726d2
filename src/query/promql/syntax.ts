import { parser } from '@prometheus-io/lezer-promql';
import type { CairnError } from '../../errors/index.js';
import { badData } from '../errors.js';

export type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A parse error in Prometheus' form: `<line>:<col>: parse error: <message>`. */
export function parseError(q: string, at: number, message: string): CairnError {
  const before = q.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');
  return badData(`${line}:${col}: parse error: ${message}`);
}

/** Syntax children without comments (lezer puts skipped `# …` comments into the tree). */
export function children(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node?.firstChild ?? null; c !== null; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

export function textOf(node: SyntaxNode | null, q: string): string {
  return node === null ? '' : q.slice(node.from, node.to);
}

/** Decodes a node's text, reporting a failure as a parse error at the node. */
export function decodeAt<T>(node: SyntaxNode, q: string, decode: (text: string) => T): T {
  try {
    return decode(textOf(node, q));
  } catch (err) {
    throw parseError(q, node.from, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Rewrites, without moving any character, the spellings Prometheus accepts but the lezer
 * grammar does not: numbers with a trailing dot (`2.`, `1./6.`, `2.e3`: the digits shift
 * right over the dot and a leading 0 fills the gap), the duration functions in any case
 * (`STEP()`), and `min_of`/`max_of` outside durations, which the grammar only knows inside
 * them (they become a function name of the same length; the tree is read with the original
 * text, so the node keeps its real name). Strings and comments are left alone.
 */
export function normaliseForGrammar(q: string): string {
  let out = '';
  let i = 0;
  let brackets = 0;
  let parens = 0;
  // After `offset`, the duration runs to the end of its first operand (deeper parentheses included).
  let offsetDepth = -1;
  let offsetFresh = false;
  while (i < q.length) {
    const c = q[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(q, i);
      out += q.slice(i, end);
      i = end;
    } else if (c === '#') {
      const end = q.indexOf('\n', i);
      out += q.slice(i, end < 0 ? q.length : end);
      i = end < 0 ? q.length : end;
    } else if (/[0-9]/.test(c) && !/[\w.]/.test(q[i - 1] ?? '')) {
      const m = /^(?:0[xX][0-9a-fA-F]+|[0-9_]+(\.)?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(q.slice(i))!;
      const text = m[0];
      const dotAtEnd = m[1] !== undefined && /^[0-9_]+\.(?:[eE]|$)/.test(text) && !/^[\w.]/.test(q.slice(i + text.length).replace(/^[eE][+-]?\d/, ''));
      out += dotAtEnd ? `0${text.replace('.', '')}` : text;
      i += text.length;
    } else if (/[A-Za-z_]/.test(c) && !/[\w:]/.test(q[i - 1] ?? '')) {
      const word = /^[A-Za-z_:][\w:]*/.exec(q.slice(i))![0];
      const lower = word.toLowerCase();
      const fn = ['step', 'range', 'min_of', 'max_of'].includes(lower) && /^\s*\(/.test(q.slice(i + word.length));
      const inDuration = brackets > 0 || (offsetDepth >= 0 && (offsetFresh || parens > offsetDepth));
      out += fn && (lower === 'min_of' || lower === 'max_of') && !inDuration ? 'floor ' : fn ? lower : word;
      i += word.length;
      if (lower === 'offset') {
        offsetDepth = parens;
        offsetFresh = true;
      } else if (offsetDepth >= 0 && parens === offsetDepth && !fn) offsetDepth = -1;
      else if (fn) offsetFresh = false;
    } else {
      if (c === '[') brackets++;
      if (c === ']') brackets = Math.max(0, brackets - 1);
      if (c === '(') {
        parens++;
        offsetFresh = false;
      }
      if (c === ')') {
        parens--;
        if (offsetDepth >= 0 && parens <= offsetDepth) offsetDepth = -1;
      }
      out += c;
      i += 1;
    }
  }
  return out;
}

function stringEnd(q: string, start: number): number {
  const quote = q[start]!;
  let i = start + 1;
  while (i < q.length && q[i] !== quote) {
    if (q[i] === '\\' && quote !== '`') i++;
    else if (q[i] === '\n' && quote !== '`') return i;
    i++;
  }
  return Math.min(i + 1, q.length);
}

/**
 * The first syntax error lezer recovered from, thrown in Prometheus' form. An unterminated
 * string swallows the rest of the query, so it is named instead of the error it causes.
 */
export function checkSyntax(top: SyntaxNode, q: string): void {
  let at = -1;
  let openString = -1;
  top.cursor().iterate((n) => {
    if (n.type.isError && at < 0) at = n.from;
    if (n.name === 'StringLiteral' && openString < 0 && !isTerminated(q.slice(n.from, n.to))) openString = n.from;
  });
  if (openString >= 0) throw parseError(q, openString, 'unterminated quoted string');
  if (at < 0) return;
  const rest = q.slice(at).trimStart();
  // `name(` where the grammar knows no function `name`: say so, as Prometheus does.
  const called = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(q.slice(0, at));
  if (called !== null && rest.startsWith('(')) throw parseError(q, called.index, `unknown function with name ${JSON.stringify(called[1])}`);
  throw parseError(q, at, rest === '' ? 'unexpected end of input' : `unexpected ${JSON.stringify(rest.slice(0, 20))}`);
}

function isTerminated(literal: string): boolean {
  if (literal.length < 2 || literal[literal.length - 1] !== literal[0]) return false;
  if (literal[0] === '`') return true;
  // A closing quote preceded by an odd number of backslashes is escaped.
  const trailing = /\\*$/.exec(literal.slice(1, -1))?.[0].length ?? 0;
  return trailing % 2 === 0;
}

export { parser };
