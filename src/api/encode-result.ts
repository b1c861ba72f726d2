import type { QueryValue, ResultSeries } from '../query/index.js';
import { jsonLabels, jsonPoint, jsonPointString } from './json-encode.js';

/** The `data` of /api/v1/query and /api/v1/query_range: `{"resultType":…,"result":…}`. */
export function encodeQueryData(value: QueryValue): string {
  return `{"resultType":"${value.kind}","result":${encodeResult(value)}}`;
}

function encodeResult(value: QueryValue): string {
  switch (value.kind) {
    case 'scalar':
      return jsonPoint(value.t, value.v);
    case 'string':
      return jsonPointString(value.t, value.v);
    case 'vector':
      return `[${value.series.map((s) => `{"metric":${jsonLabels(s.labels)},"value":${jsonPoint(value.t, s.values[0]!)}}`).join(',')}]`;
    case 'matrix':
      return `[${value.series.map((s) => `{"metric":${jsonLabels(s.labels)},"values":${encodePoints(s)}}`).join(',')}]`;
  }
}

function encodePoints(s: ResultSeries): string {
  const parts = new Array<string>(s.timestamps.length);
  for (let i = 0; i < s.timestamps.length; i++) parts[i] = jsonPoint(s.timestamps[i]!, s.values[i]!);
  return `[${parts.join(',')}]`;
}
