import type { DurationExpr } from './ast.js';
import { parseNumberLiteral } from './literals.js';
import type { SyntaxNode } from './syntax.js';
import { children, decodeAt, parseError, textOf } from './syntax.js';

const DURATION_OPS: Readonly<Record<string, '+' | '-' | '*' | '/' | '%' | '^'>> = { Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^' };

/** A range or subquery step: a duration literal or (Prometheus 3.14) arithmetic over durations. */
export function buildDuration(node: SyntaxNode, q: string): DurationExpr {
  const parts = children(node);
  const first = parts[0];
  if (first === undefined) throw parseError(q, node.from, 'missing duration');
  switch (first.name) {
    case 'NumberDurationLiteralInDurationContext':
      return { kind: 'seconds', value: decodeAt(first, q, parseNumberLiteral) };
    case 'DurationStep':
      return { kind: 'step' };
    case 'DurationRange':
      return { kind: 'range' };
    case 'DurationMinOf':
    case 'DurationMaxOf': {
      const [a, b] = parts.filter((p) => p.name === 'DurationExpr');
      return { kind: 'binary', op: first.name === 'DurationMinOf' ? 'min_of' : 'max_of', lhs: buildDuration(a!, q), rhs: buildDuration(b!, q) };
    }
    case 'UnaryOp':
      return { kind: 'unary', op: textOf(first, q) === '-' ? '-' : '+', operand: buildDuration(parts[1]!, q) };
    case 'DurationExpr': {
      if (parts.length === 1) return buildDuration(first, q);
      const op = DURATION_OPS[parts[1]!.name];
      if (op === undefined) throw parseError(q, parts[1]!.from, `unexpected ${textOf(parts[1]!, q)} in duration`);
      return { kind: 'binary', op, lhs: buildDuration(first, q), rhs: buildDuration(parts[2]!, q) };
    }
    default:
      // `( DurationExpr )`: the parentheses are anonymous tokens, so the inner expression is the only named child.
      return buildDuration(first, q);
  }
}

/** An offset: like a duration, but only signs, parentheses and the duration functions apply directly. */
export function buildOffset(node: SyntaxNode, q: string): DurationExpr {
  return buildDuration(node, q);
}
