import type { QueryValue, ResultSeries } from '../query/index.js';
import { jsonLabels, jsonPoint, jsonPointString } from './json-encode.js';

/** Longest the encoder keeps the event loop before yielding (a result can hold millions of points). */
const SLICE_MS = 2;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The `data` of /api/v1/query and /api/v1/query_range, `{"resultType":…,"result":…}`, as pieces
 * of JSON text: a series per piece, made a few ms at a time, so a huge matrix neither blocks
 * ingest nor has to fit in one string.
 */
export async function encodeQueryData(value: QueryValue): Promise<string[]> {
  const head = `{"resultType":"${value.kind}","result":`;
  switch (value.kind) {
    case 'scalar':
      return [head, jsonPoint(value.t, value.v), '}'];
    case 'string':
      return [head, jsonPointString(value.t, value.v), '}'];
    case 'vector':
    case 'matrix': {
      const parts = [`${head}[`];
      let slice = performance.now();
      for (let i = 0; i < value.series.length; i++) {
        const s = value.series[i]!;
        const sep = i > 0 ? ',' : '';
        if (value.kind === 'vector') parts.push(`${sep}{"metric":${jsonLabels(s.labels)},"value":${jsonPoint(value.t, s.values[0]!)}}`);
        else parts.push(`${sep}{"metric":${jsonLabels(s.labels)},"values":${encodePoints(s)}}`);
        if (performance.now() - slice > SLICE_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
      }
      parts.push(']}');
      return parts;
    }
  }
}

function encodePoints(s: ResultSeries): string {
  const points = new Array<string>(s.timestamps.length);
  for (let i = 0; i < s.timestamps.length; i++) points[i] = jsonPoint(s.timestamps[i]!, s.values[i]!);
  return `[${points.join(',')}]`;
}
