import { gzipSync } from 'node:zlib';
import type { ExporterConfig } from '../../config/index.js';
import type { EndpointSender } from '../endpoint-sender.js';
import { BodyCache, overLimit } from '../endpoint-sender.js';
import type { ForwardBatch } from '../forward-batch.js';
import type { SendOutcome } from '../send-outcome.js';
import { sendOk } from '../send-outcome.js';
import { classifyHttp, classifyNetworkError } from '../transport/classify-http.js';
import type { ExporterCredentials } from '../transport/exporter-credentials.js';
import { HttpPoster } from '../transport/http-post.js';
import { encodeOtlpRequest } from './otlp-encode.js';
import { partialSuccess } from './otlp-response.js';

/** OTLP/HTTP: `POST /v1/metrics` with an ExportMetricsServiceRequest (protobuf or JSON, gzip by default). */
export function otlpHttpSender(endpoint: string, c: ExporterConfig, creds: ExporterCredentials): EndpointSender {
  const poster = new HttpPoster(endpoint, creds);
  const json = c.encoding === 'json';
  const fixed: Record<string, string> = { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
  if (c.compression === 'gzip') fixed['Content-Encoding'] = 'gzip';
  const bodies = new BodyCache();
  // The JSON converter is loaded only for an exporter that sends JSON.
  let toJson: ((proto: Buffer) => Buffer) | undefined;
  const jsonReady = json ? import('./otlp-json.js').then((m) => (toJson = m.otlpJson)) : Promise.resolve(undefined);
  const encode = (batch: ForwardBatch) =>
    bodies.get(batch, 'otlp', () => {
      const proto = encodeOtlpRequest(batch);
      const plain = toJson !== undefined ? toJson(proto) : proto;
      return { body: c.compression === 'gzip' ? gzipSync(plain, { level: 1 }) : plain, rawBytes: plain.length };
    });
  return {
    endpoint,
    prepare: (batch) => {
      if (!json || toJson !== undefined) encode(batch);
    },
    async send(batch: ForwardBatch, signal: AbortSignal): Promise<SendOutcome> {
      await jsonReady;
      const { body, rawBytes } = encode(batch);
      const tooLarge = overLimit(rawBytes, c.max_request_bytes, batch.pointCount);
      if (tooLarge !== undefined) return tooLarge;
      let answer;
      try {
        answer = await poster.post(body, { ...creds.headers(), ...fixed }, signal);
      } catch (err) {
        return classifyNetworkError(err, false);
      }
      const outcome = classifyHttp(answer, { prometheusOrder: false });
      if (outcome.status !== 'ok') return outcome;
      const partial = partialSuccess(answer.body, json);
      return sendOk(outcome.code, partial.rejected, partial.message);
    },
    close: () => poster.close(),
  };
}
