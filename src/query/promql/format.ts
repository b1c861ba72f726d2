import type { LabelMatcher } from '../querier.js';
import type { AtModifier, DurationExpr, Expr, TimeModifiers } from './ast.js';

/** Prometheus' canonical text of an expression (what /api/v1/format_query answers). */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return goNumber(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'paren':
      return `(${formatExpr(e.expr)})`;
    case 'unary':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'vectorSelector':
      return selector(e.name, e.matchers) + modifiers(e);
    case 'matrixSelector':
      return `${selector(e.selector.name, e.selector.matchers)}[${duration(e.range)}]${modifiers(e.selector)}`;
    case 'subquery':
      return `${formatExpr(e.expr)}[${duration(e.range)}:${e.step === null ? '' : duration(e.step)}]${modifiers(e)}`;
    case 'call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      const grouping = e.without ? ` without (${e.grouping.join(', ')}) ` : e.grouping.length > 0 ? ` by (${e.grouping.join(', ')}) ` : '';
      const args = e.param === null ? formatExpr(e.expr) : `${formatExpr(e.param)}, ${formatExpr(e.expr)}`;
      return `${e.op}${grouping}(${args})`;
    }
    case 'binary': {
      const m = e.matching;
      let matching = '';
      if (m.labels.length > 0 || m.on) {
        matching = ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
        if (m.card === 'many-to-one' || m.card === 'one-to-many') matching += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${m.include.join(', ')})`;
      }
      return `${formatExpr(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${matching} ${formatExpr(e.rhs)}`;
    }
  }
}

function selector(name: string, matchers: readonly LabelMatcher[]): string {
  const named = name !== '' && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
  const rest = matchers.filter((m) => !(named && m.name === '__name__' && m.type === '=' && m.value === name));
  const body = rest.map((m) => `${labelName(m.name)}${m.type}${JSON.stringify(m.value)}`).join(', ');
  if (named) return rest.length === 0 ? name : `${name}{${body}}`;
  return `{${body}}`;
}

function labelName(name: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

function modifiers(m: TimeModifiers): string {
  return at(m.at) + (m.offset === null ? '' : ` offset ${duration(m.offset)}`);
}

function at(a: AtModifier | null): string {
  if (a === null) return '';
  return a.kind === 'time' ? ` @ ${(a.ms / 1000).toFixed(3)}` : ` @ ${a.kind}()`;
}

const UNITS: readonly [string, number][] = [['y', 365 * 86_400_000], ['w', 7 * 86_400_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** Prometheus' model.Duration text (`1h30m`, `0s`) for literals; expressions as written. */
function duration(d: DurationExpr): string {
  switch (d.kind) {
    case 'seconds':
      return durationLiteral(d.value * 1000);
    case 'step':
    case 'range':
      return `${d.kind}()`;
    case 'unary':
      return `${d.op}${duration(d.operand)}`;
    case 'binary':
      return d.op === 'min_of' || d.op === 'max_of' ? `${d.op}(${duration(d.lhs)}, ${duration(d.rhs)})` : `${duration(d.lhs)} ${d.op} ${duration(d.rhs)}`;
  }
}

function durationLiteral(msIn: number): string {
  if (!Number.isInteger(msIn)) return String(msIn / 1000);
  if (msIn === 0) return '0s';
  let ms = Math.abs(msIn);
  let out = msIn < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      out += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return out;
}

/** Go's %v of a float64: shortest digits, exponent form from 1e21 and below 1e-4. */
function goNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}
