// A strict reader of the Prometheus text exposition format (0.0.4), for checking what the agent
// serves independently of promtool: any line it does not understand is an error, and so is
// anything promtool's linter or a Prometheus scrape would object to.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly line: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_HEAD = new RegExp(`^(${NAME})`);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

/** Parses `text`, throwing an Error naming the line for anything out of place. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, ParsedFamily>();
  const seriesSeen = new Set<string>();
  let current: { name: string; help?: string; type?: MetricType } | undefined;
  const closed = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const at = `line ${i + 1} "${line}"`;
    if (line.startsWith('#')) {
      const help = HELP_LINE.exec(line);
      const type = TYPE_LINE.exec(line);
      const name = help?.[1] ?? type?.[1];
      if (name === undefined) throw new Error(`${at}: a comment other than HELP or TYPE`);
      if (current?.name !== name) {
        if (current !== undefined) closed.add(current.name);
        if (closed.has(name) || families.has(name)) throw new Error(`${at}: family ${name} appears twice`);
        current = { name };
      }
      if (families.has(name)) throw new Error(`${at}: HELP or TYPE after samples of ${name}`);
      if (help !== null) {
        if (current.help !== undefined) throw new Error(`${at}: second HELP for ${name}`);
        current.help = unescapeHelp(help[2]!, at);
      } else {
        if (current.type !== undefined) throw new Error(`${at}: second TYPE for ${name}`);
        current.type = type![2] as MetricType;
      }
      return;
    }
    if (line.trim() === '') throw new Error(`${at}: blank line`);
    const sample = parseSampleLine(line, i + 1, at);
    if (current === undefined || current.type === undefined || current.help === undefined) throw new Error(`${at}: sample before its family's HELP and TYPE`);
    if (!belongsTo(sample.name, current.name, current.type)) throw new Error(`${at}: sample ${sample.name} inside family ${current.name} (${current.type})`);
    const key = `${sample.name}{${Object.keys(sample.labels).sort().map((k) => `${k}=${sample.labels[k]}`).join(',')}}`;
    if (seriesSeen.has(key)) throw new Error(`${at}: duplicate series ${key}`);
    seriesSeen.add(key);
    let family = families.get(current.name);
    if (family === undefined) {
      family = { name: current.name, help: current.help, type: current.type, samples: [] };
      families.set(current.name, family);
    }
    family.samples.push(sample);
  });
  for (const f of families.values()) checkFamily(f);
  return families;
}

/** One sample's value, by the full sample name (e.g. `x_count`) and exact labels; undefined if absent. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want) return s.value;
  }
  return undefined;
}

function parseSampleLine(line: string, lineNo: number, at: string): ParsedSample {
  const head = SAMPLE_HEAD.exec(line);
  if (head === null) throw new Error(`${at}: no metric name`);
  const name = head[1]!;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const eq = line.indexOf('="', i);
      if (eq < 0) throw new Error(`${at}: bad label`);
      const label = line.slice(i, eq);
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`${at}: bad label name "${label}"`);
      if (label in labels) throw new Error(`${at}: label ${label} twice`);
      i = eq + 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`${at}: unterminated label value`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new Error(`${at}: bad escape \\${e ?? ''} in a label value`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      labels[label] = value;
      i++;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`${at}: expected , or } after a label`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`${at}: expected one space before the value`);
  const rest = line.slice(i + 1).split(' ');
  if (rest.length > 2 || !VALUE.test(rest[0]!)) throw new Error(`${at}: bad value or timestamp`);
  if (rest.length === 2 && !/^-?\d+$/.test(rest[1]!)) throw new Error(`${at}: bad timestamp`);
  const v = rest[0]!;
  const value = v === 'NaN' ? NaN : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
  return { name, labels, value, line: lineNo };
}

function belongsTo(sample: string, family: string, type: MetricType): boolean {
  if (type === 'histogram') return sample === `${family}_bucket` || sample === `${family}_sum` || sample === `${family}_count`;
  if (type === 'summary') return sample === family || sample === `${family}_sum` || sample === `${family}_count`;
  return sample === family;
}

/** Names and histogram consistency, as promtool's linter and a scrape would check them. */
function checkFamily(f: ParsedFamily): void {
  if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} does not end in _total`);
  if (f.type !== 'counter' && f.name.endsWith('_total')) throw new Error(`${f.type} ${f.name} ends in _total`);
  if (f.help.trim() === '') throw new Error(`${f.name} has no help text`);
  if (f.type !== 'histogram') {
    for (const s of f.samples) if ('le' in s.labels) throw new Error(`${f.name}: le label outside a histogram`);
    return;
  }
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`line ${s.line}: a bucket without le`);
      g.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (le !== undefined) throw new Error(`line ${s.line}: le on ${s.name}`);
    else if (s.name.endsWith('_sum')) g.sum = s.value;
    else g.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`;
    if (g.sum === undefined || g.count === undefined) throw new Error(`${where}: missing _sum or _count`);
    const last = g.buckets[g.buckets.length - 1];
    if (last === undefined || last[0] !== Infinity) throw new Error(`${where}: the last bucket is not +Inf`);
    if (last[1] !== g.count) throw new Error(`${where}: +Inf bucket ${last[1]} differs from _count ${g.count}`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]![0] > g.buckets[i - 1]![0])) throw new Error(`${where}: le not increasing`);
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new Error(`${where}: buckets not cumulative`);
    }
  }
}

function unescapeHelp(s: string, at: string): string {
  return s.replace(/\\(.?)/g, (_, e: string) => {
    if (e === '\\') return '\\';
    if (e === 'n') return '\n';
    throw new Error(`${at}: bad escape in HELP`);
  });
}
