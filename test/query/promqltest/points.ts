// Points of a promqltest series line: `1 2+3x4 _ _x2 stale`, native histograms `{{…}}`.

export type Point = number | 'stale' | 'missing';

export interface ParsedPoints {
  readonly points: Point[];
  /** The line holds a native histogram (`{{…}}`), which cairn does not store. */
  readonly native: boolean;
}

function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let j = i;
    let depth = 0;
    while (j < text.length && (depth > 0 || !/\s/.test(text[j]!))) {
      if (text.startsWith('{{', j)) {
        depth++;
        j += 2;
      } else if (text.startsWith('}}', j) && depth > 0) {
        depth--;
        j += 2;
      } else j++;
    }
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

function number(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  const v = Number(text);
  if (Number.isNaN(v)) throw new Error(`bad value ${JSON.stringify(text)}`);
  return v;
}

export function parsePoints(text: string): ParsedPoints {
  const points: Point[] = [];
  let native = false;
  for (const tok of tokens(text)) {
    if (tok.includes('{{')) {
      native = true;
      const times = /x(\d+)$/.exec(tok.replace(/\{\{.*\}\}/g, ''));
      const n = times === null ? 1 : Number(times[1]) + 1;
      // Native histogram points are left out; the float points of the series still load.
      for (let k = 0; k < n; k++) points.push('missing');
      continue;
    }
    if (tok === '_') {
      points.push('missing');
      continue;
    }
    if (tok === 'stale') {
      points.push('stale');
      continue;
    }
    const blanks = /^_x(\d+)$/.exec(tok);
    if (blanks !== null) {
      for (let k = 0; k < Number(blanks[1]); k++) points.push('missing');
      continue;
    }
    const series = /^([-+]?(?:[\d.]+(?:e[-+]?\d+)?|Inf|inf|NaN|nan))(?:([-+])([\d.]+(?:e[-+]?\d+)?|Inf|inf|NaN|nan))?x(\d+)$/.exec(tok);
    if (series !== null) {
      const start = number(series[1]!);
      const delta = series[2] === undefined ? 0 : (series[2] === '-' ? -1 : 1) * number(series[3]!);
      const n = Number(series[4]);
      let v = start;
      for (let k = 0; k <= n; k++) {
        points.push(v);
        v += delta;
      }
      continue;
    }
    points.push(number(tok));
  }
  return { points, native };
}
