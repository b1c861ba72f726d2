// The promqltest file format (Prometheus' promql/promqltest): load, clear and eval commands.
import { parsePromDurationMs } from '../../../src/query/index.js';

export type ExpectKind = 'fail' | 'warn' | 'info' | 'no_warn' | 'no_info' | 'ordered';

export interface Expectation {
  readonly kind: ExpectKind;
  readonly match?: { readonly type: 'msg' | 'regex'; readonly text: string };
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly intervalMs: number;
  readonly withNhcb: boolean;
  /** Series descriptor and points text, one per line. */
  readonly series: readonly (readonly [string, string])[];
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly query: string;
  readonly instant: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly expects: readonly Expectation[];
  readonly expectString?: string;
  readonly rangeVector?: { readonly startMs: number; readonly endMs: number; readonly stepMs: number };
  /** Expected series: descriptor ('' for a scalar) and points text. */
  readonly results: readonly (readonly [string, string])[];
}

export type Command = LoadCommand | EvalCommand | { readonly kind: 'clear'; readonly line: number };

/** `50m`, `0`, `-1m`, `1000s`: milliseconds. */
export function durationMs(text: string): number {
  const negative = text.startsWith('-');
  const ms = parsePromDurationMs(negative ? text.slice(1) : text) ?? (/^\d+$/.test(text) ? Number(text) * 1000 : undefined);
  if (ms === undefined) throw new Error(`bad duration ${JSON.stringify(text)}`);
  return negative ? -ms : ms;
}

const EVAL_INSTANT = /^eval(?:_(fail|warn|info|ordered))?\s+instant\s+at\s+(\S+)\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_(fail|warn|info|ordered))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;
const EXPECT = /^expect\s+(fail|warn|info|no_warn|no_info|ordered)(?:\s+(msg|regex):\s?(.*))?$/;

/** Splits a series line into its descriptor (up to the closing brace) and the points. */
export function splitSeriesLine(line: string): [string, string] {
  let i = 0;
  let quote = '';
  let braces = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') braces++;
    else if (c === '}') {
      braces--;
      if (braces === 0) {
        i++;
        break;
      }
    } else if (/\s/.test(c) && braces === 0) break;
  }
  return [line.slice(0, i).trim(), line.slice(i).trim()];
}

/** A scalar result line starts with a number. */
const SCALAR_LINE = /^[-+]?(?:\d|\.\d|Inf|NaN|inf|nan)/;

export function parseScript(text: string): Command[] {
  const lines = text.split('\n');
  const commands: Command[] = [];
  let i = 0;
  const body = (): [string, number][] => {
    const out: [string, number][] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i]!) && !/^\s*#/.test(lines[i]!)) out.push([lines[i]!.trim(), i++ + 1]);
    while (i < lines.length && /^\s*#/.test(lines[i]!) && /^\s+\S/.test(lines[i + 1] ?? '') && !/^\s*#/.test(lines[i + 1] ?? '')) i++;
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = ++i;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'clear') {
      commands.push({ kind: 'clear', line: lineNo });
      continue;
    }
    const load = /^load(_with_nhcb)?\s+(\S+)$/.exec(line);
    if (load !== null) {
      commands.push({ kind: 'load', line: lineNo, intervalMs: durationMs(load[2]!), withNhcb: load[1] !== undefined, series: body().map(([l]) => splitSeriesLine(l)) });
      continue;
    }
    const instant = EVAL_INSTANT.exec(line);
    const range = instant === null ? EVAL_RANGE.exec(line) : null;
    if (instant === null && range === null) throw new Error(`line ${lineNo}: cannot read ${JSON.stringify(line)}`);
    const legacy = (instant ?? range)![1];
    const expects: Expectation[] = legacy === undefined ? [] : [{ kind: legacy as ExpectKind }];
    let expectString: string | undefined;
    let rangeVector: EvalCommand['rangeVector'];
    const results: [string, string][] = [];
    for (const [l] of body()) {
      const e = EXPECT.exec(l);
      if (e !== null) {
        expects.push({ kind: e[1] as ExpectKind, ...(e[2] === undefined ? {} : { match: { type: e[2] as 'msg' | 'regex', text: unquoteMsg(e[3]!.trim()) } }) });
        continue;
      }
      const old = /^expected_fail_(message|regexp)\s+(.*)$/.exec(l);
      if (old !== null) {
        const failAt = expects.findIndex((x) => x.kind === 'fail');
        const fail: Expectation = { kind: 'fail', match: { type: old[1] === 'message' ? 'msg' : 'regex', text: old[2]!.trim() } };
        if (failAt >= 0) expects[failAt] = fail;
        else expects.push(fail);
        continue;
      }
      const str = /^expect\s+string\s+(["`])(.*)\1$/.exec(l);
      if (str !== null) {
        expectString = str[1] === '`' ? str[2]! : (JSON.parse(`"${str[2]!}"`) as string);
        continue;
      }
      const rv = /^expect\s+range\s+vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/.exec(l);
      if (rv !== null) {
        rangeVector = { startMs: durationMs(rv[1]!), endMs: durationMs(rv[2]!), stepMs: durationMs(rv[3]!) };
        continue;
      }
      results.push(SCALAR_LINE.test(l) ? ['', l] : splitSeriesLine(l));
    }
    const common = { kind: 'eval' as const, line: lineNo, expects, results, ...(expectString === undefined ? {} : { expectString }), ...(rangeVector === undefined ? {} : { rangeVector }) };
    if (instant !== null) {
      const t = durationMs(instant[2]!);
      commands.push({ ...common, query: instant[3]!, instant: true, startMs: t, endMs: t, stepMs: 0 });
    } else {
      commands.push({ ...common, query: range![5]!, instant: false, startMs: durationMs(range![2]!), endMs: durationMs(range![3]!), stepMs: durationMs(range![4]!) });
    }
  }
  return commands;
}

/** `msg:` texts may be quoted in the file. */
function unquoteMsg(text: string): string {
  return /^".*"$/.test(text) ? (JSON.parse(text) as string) : text;
}
