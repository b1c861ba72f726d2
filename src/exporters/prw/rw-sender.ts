import { createRequire } from 'node:module';
import type * as Snappy from 'snappy';
import type { ExporterConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { EndpointSender } from '../endpoint-sender.js';
import { BodyCache, overLimit } from '../endpoint-sender.js';
import type { ForwardBatch } from '../forward-batch.js';
import type { SendOutcome } from '../send-outcome.js';
import { classifyHttp, classifyNetworkError } from '../transport/classify-http.js';
import type { ExporterCredentials } from '../transport/exporter-credentials.js';
import { HttpPoster } from '../transport/http-post.js';
import type { PromSeriesBuilder } from './prom-series.js';
import { encodeRw1 } from './rw1-encode.js';
import { encodeRw2 } from './rw2-encode.js';

const V1_HEADERS = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' };
const V2_HEADERS = { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '2.0.0' };
const WRITTEN_HEADER = /^x-prometheus-remote-write-(samples|histograms|exemplars)-written$/;

// Loaded when the first remote-write exporter is made (~6.6 MiB of RSS an agent without one
// should not carry).
const load = createRequire(import.meta.url);
let snappyLib: typeof Snappy | undefined;
const snappy = (): typeof Snappy => (snappyLib ??= load('snappy') as typeof Snappy);

/**
 * Prometheus remote write to one URL: 1.0, or 2.0 when configured. A 2.0 request answered
 * with 415, or with a 2xx lacking every `X-Prometheus-Remote-Write-*-Written` header (a 1.0
 * receiver such as Prometheus 2.42 answers 204 and stores nothing), is sent again as 1.0, and
 * the endpoint speaks 1.0 from then on.
 */
export function remoteWriteSender(endpoint: string, c: ExporterConfig, series: PromSeriesBuilder, logger: Logger, creds: ExporterCredentials): EndpointSender {
  const { compressSync } = snappy();
  const poster = new HttpPoster(endpoint, creds);
  const bodies = new BodyCache();
  let version = c.protocol_version;
  const encode = (batch: ForwardBatch, v: number) =>
    bodies.get(batch, `rw${v}`, () => {
      const s = series.build(batch);
      const raw = v === 2 ? encodeRw2(s) : encodeRw1(s);
      // An external (uncopied) result costs ~10x more per call at 1 MB (native-bench/snappy.bench.mjs).
      return { body: compressSync(raw, { copyOutputData: true }), rawBytes: raw.length };
    });
  const post = async (batch: ForwardBatch, v: number, signal: AbortSignal): Promise<SendOutcome & { readonly v2Unknown?: boolean }> => {
    const { body, rawBytes } = encode(batch, v);
    const tooLarge = overLimit(Math.max(rawBytes, body.length), c.max_request_bytes, batch.pointCount);
    if (tooLarge !== undefined) return tooLarge;
    let answer;
    try {
      answer = await poster.post(body, { ...creds.headers(), ...(v === 2 ? V2_HEADERS : V1_HEADERS) }, signal);
    } catch (err) {
      return classifyNetworkError(err, false);
    }
    if (v === 2 && (answer.status === 415 || (answer.status >= 200 && answer.status < 300 && !Object.keys(answer.headers).some((h) => WRITTEN_HEADER.test(h))))) {
      return { ...classifyHttp(answer, { prometheusOrder: true }), v2Unknown: true };
    }
    return classifyHttp(answer, { prometheusOrder: true });
  };
  return {
    endpoint,
    async send(batch, signal) {
      if (version === 2) {
        const r = await post(batch, 2, signal);
        if (r.v2Unknown !== true) return r;
        version = 1;
        logger.warn('remote write 2.0 not acknowledged by the receiver; using 1.0 for this endpoint', { component: 'exporter', endpoint });
      }
      return post(batch, 1, signal);
    },
    prepare: (batch) => void encode(batch, version),
    close: () => poster.close(),
  };
}

