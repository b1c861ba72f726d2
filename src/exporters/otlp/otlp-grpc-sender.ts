import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import { createSecureContext } from 'node:tls';
import type { ExporterConfig } from '../../config/index.js';
import type { ClientTlsOptions } from '../../net/index.js';
import type { EndpointSender } from '../endpoint-sender.js';
import { BodyCache, overLimit } from '../endpoint-sender.js';
import type { ForwardBatch } from '../forward-batch.js';
import type { SendOutcome } from '../send-outcome.js';
import { sendOk } from '../send-outcome.js';
import { classifyGrpc } from '../transport/classify-grpc.js';
import type { ExporterCredentials } from '../transport/exporter-credentials.js';
import { encodeOtlpRequest } from './otlp-encode.js';
import { partialSuccess, retryInfoDelayMs } from './otlp-response.js';

const METHOD = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

// Loaded when the first OTLP/gRPC exporter is made: the client library costs ~12 MiB of RSS,
// and an agent without such an exporter (the default) should not carry it.
const load = createRequire(import.meta.url);
let grpcJs: typeof GrpcJs | undefined;
const grpcLib = (): typeof GrpcJs => (grpcJs ??= load('@grpc/grpc-js') as typeof GrpcJs);
const GZIP = 2;

/** `host:port`, or an `http://` / `https://` URL naming one (TLS for https). */
export function grpcTarget(endpoint: string): { readonly target: string; readonly secure: boolean } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(endpoint);
  return m === null ? { target: endpoint, secure: false } : { target: m[2]!, secure: m[1] === 'https' };
}

/**
 * The channel credentials for a TLS endpoint: a secure context from the exporter's CA, client
 * certificate and least version (createFromSecureContext, so `min_version` applies, which
 * createSsl cannot say). `insecure_skip_verify` is rejectUnauthorized: false plus a
 * checkServerIdentity that accepts any name; `server_name` is the channel's target name override.
 */
function channelCredentials(grpc: typeof GrpcJs, tls: ClientTlsOptions): GrpcJs.ChannelCredentials {
  const context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key, minVersion: tls.minVersion });
  const verify: GrpcJs.VerifyOptions = tls.rejectUnauthorized ? {} : { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  return grpc.credentials.createFromSecureContext(context, verify);
}

/** OTLP/gRPC: `MetricsService/Export` with the request bytes we encode ourselves (gzip by default). */
export function otlpGrpcSender(endpoint: string, c: ExporterConfig, creds: ExporterCredentials): EndpointSender {
  const { target, secure } = grpcTarget(endpoint);
  const grpc = grpcLib();
  const options: GrpcJs.ChannelOptions = { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': 4 * 1024 * 1024 };
  if (c.compression === 'gzip') options['grpc.default_compression_algorithm'] = GZIP;
  if (secure && c.tls.server_name !== '') options['grpc.ssl_target_name_override'] = c.tls.server_name;
  // Made again when the certificates change (rotation): calls in flight finish on the old channel.
  let version = creds.version;
  const newClient = (): GrpcJs.Client => new grpc.Client(target, secure ? channelCredentials(grpc, creds.tls) : grpc.credentials.createInsecure(), options);
  let client = newClient();
  const current = (): GrpcJs.Client => {
    if (secure && creds.version !== version) {
      const old = client;
      version = creds.version;
      client = newClient();
      old.close();
    }
    return client;
  };
  const bodies = new BodyCache();
  const encode = (batch: ForwardBatch) =>
    bodies.get(batch, 'otlp', () => {
      const b = encodeOtlpRequest(batch);
      return { body: b, rawBytes: b.length };
    });
  return {
    endpoint,
    prepare: (batch) => void encode(batch),
    send(batch: ForwardBatch, signal: AbortSignal): Promise<SendOutcome> {
      const { body } = encode(batch);
      const tooLarge = overLimit(body.length, c.max_request_bytes, batch.pointCount);
      if (tooLarge !== undefined) return Promise.resolve(tooLarge);
      const metadata = new grpc.Metadata();
      for (const [k, v] of Object.entries(creds.headers())) metadata.set(k.toLowerCase(), v);
      return new Promise((resolve) => {
        const call = current().makeUnaryRequest<Buffer, Buffer>(METHOD, (b) => b, (b) => b, body, metadata, {}, (err, response) => {
          signal.removeEventListener('abort', cancel);
          if (err === null || err === undefined) {
            const partial = partialSuccess(response ?? Buffer.alloc(0), false);
            return resolve(sendOk('OK', partial.rejected, partial.message));
          }
          const details = err.metadata?.get('grpc-status-details-bin')[0];
          resolve(classifyGrpc(err.code, err.details, retryInfoDelayMs(Buffer.isBuffer(details) ? details : undefined)));
        });
        const cancel = (): void => call.cancel();
        if (signal.aborted) cancel();
        else signal.addEventListener('abort', cancel, { once: true });
      });
    },
    close: () => client.close(),
  };
}
