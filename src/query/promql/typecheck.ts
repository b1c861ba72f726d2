import { badData } from '../errors.js';
import { hasNonEmptyMatcher } from '../matchers.js';
import type { Expr, ValueType } from './ast.js';
import { COMPARISON_OPS, SET_OPS, TYPE_NAME } from './ast.js';
import { FUNCTIONS } from './functions.js';

/** Functions that exist in PromQL but that cairn does not evaluate, and why. */
const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  info: 'the experimental function "info" (it joins target_info series; write the join with group_left)',
  start_timestamp: 'the experimental function "start_timestamp"',
};

const checkError = (message: string) => badData(`parse error: ${message}`);

/** The value type of an expression, after Prometheus' parser checks (checkAST). Throws bad_data. */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'paren':
      return typeOf(e.expr);
    case 'unary': {
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') throw checkError(`unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(TYPE_NAME[t])}`);
      return t;
    }
    case 'vectorSelector':
      if (!hasNonEmptyMatcher(e.matchers)) throw checkError('vector selector must contain at least one non-empty matcher');
      return 'vector';
    case 'matrixSelector':
      typeOf(e.selector);
      return 'matrix';
    case 'subquery': {
      const t = typeOf(e.expr);
      if (t !== 'vector') throw checkError(`subquery is only allowed on instant vector, got ${TYPE_NAME[t]} instead`);
      return 'matrix';
    }
    case 'aggregate':
      return aggregateType(e);
    case 'binary':
      return binaryType(e);
    case 'call':
      return callType(e);
  }
}

function expectType(e: Expr, want: ValueType, context: string): void {
  const got = typeOf(e);
  if (got !== want) throw checkError(`expected type ${TYPE_NAME[want]} in ${context}, got ${TYPE_NAME[got]}`);
}

function aggregateType(e: Extract<Expr, { kind: 'aggregate' }>): ValueType {
  expectType(e.expr, 'vector', 'aggregation expression');
  if (e.param !== null) expectType(e.param, e.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
  if (e.op === 'limitk' || e.op === 'limit_ratio') throw badData(`not supported: the experimental aggregation "${e.op}"`);
  return 'vector';
}

function binaryType(e: Extract<Expr, { kind: 'binary' }>): ValueType {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  for (const t of [lt, rt]) if (t !== 'scalar' && t !== 'vector') throw checkError('binary expression must contain only scalar and instant vector types');
  const comparison = COMPARISON_OPS.has(e.op);
  if (e.bool && !comparison) throw checkError('bool modifier can only be used on comparison operators');
  if (comparison && !e.bool && lt === 'scalar' && rt === 'scalar') throw checkError('comparisons between scalars must use BOOL modifier');
  const bothVectors = lt === 'vector' && rt === 'vector';
  if (e.matching.written && !bothVectors) throw checkError('vector matching only allowed between instant vectors');
  if (SET_OPS.has(e.op)) {
    if (!bothVectors) throw checkError(`set operator "${e.op}" not allowed in binary scalar expression`);
    if (e.matching.card === 'one-to-many' || e.matching.card === 'many-to-one') throw checkError(`no grouping allowed for "${e.op}" operation`);
  }
  if (e.matching.on) {
    for (const l of e.matching.include) {
      if (e.matching.labels.includes(l)) throw checkError(`label "${l}" must not occur in ON and GROUP clause at once`);
    }
  }
  return bothVectors || lt === 'vector' || rt === 'vector' ? 'vector' : 'scalar';
}

function callType(e: Extract<Expr, { kind: 'call' }>): ValueType {
  const sig = FUNCTIONS.get(e.func);
  if (sig === undefined) throw checkError(`unknown function with name ${JSON.stringify(e.func)}`);
  const unsupported = UNSUPPORTED_FUNCTIONS[e.func];
  if (unsupported !== undefined) throw badData(`not supported: ${unsupported}`);
  const n = e.args.length;
  if (sig.variadic === 0) {
    if (n !== sig.args.length) throw checkError(`expected ${sig.args.length} argument(s) in call to ${JSON.stringify(e.func)}, got ${n}`);
  } else {
    const min = sig.args.length - 1;
    if (n < min) throw checkError(`expected at least ${min} argument(s) in call to ${JSON.stringify(e.func)}, got ${n}`);
    if (sig.variadic > 0 && n > min + sig.variadic) throw checkError(`expected at most ${min + sig.variadic} argument(s) in call to ${JSON.stringify(e.func)}, got ${n}`);
  }
  e.args.forEach((a, i) => expectType(a, sig.args[Math.min(i, sig.args.length - 1)]!, `call to function ${JSON.stringify(e.func)}`));
  return sig.returns;
}
