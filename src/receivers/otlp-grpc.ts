import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/index.js';
import type { IngestFailure, IngestPipeline } from '../pipeline/index.js';
import { formatAddress } from '../net/index.js';
import { encodeExportResponseProto, encodeStatusProto, grpcRequestOutcome, statusOf } from './otlp-answers.js';
import type { Receiver } from './receiver.js';

export interface OtlpGrpcOptions {
  readonly host: string;
  readonly port: number;
  readonly maxRecvMsgBytes: number;
  readonly pipeline: IngestPipeline;
  readonly logger: Logger;
}

const RECEIVER = 'otlp_grpc';
const identity = (b: Buffer): Buffer => b;
/** The service is registered with byte pass-through codecs: decoding happens in a worker. */
const METRICS_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};
// Larger HTTP/2 windows cut grpc-js' per-request CPU by about a third (NODE-LIMITS.md).
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 4 << 20;
const MAX_CONCURRENT_STREAMS = 64;

/** OTLP/gRPC MetricsService/Export. */
export function createOtlpGrpcReceiver(o: OtlpGrpcOptions): Receiver {
  // Every call passes here: it is timed from its headers to its status, and refused at the
  // headers, before grpc-js buffers the message, once the budget is spent.
  const intercept: grpc.ServerInterceptor = (_method, call) => {
    let startedMs = 0;
    let partial = false;
    const intercepted: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            startedMs = performance.now();
            const refusal = o.pipeline.gate(RECEIVER);
            if (refusal === null) proceed(metadata);
            else intercepted.sendStatus(toServiceError(refusal));
          },
        }),
      sendMessage: (message: Buffer, next) => {
        // The response is empty unless it carries partial_success.
        partial = message.length > 0;
        next(message);
      },
      sendStatus: (status, next) => {
        o.pipeline.observeRequest(RECEIVER, startedMs, grpcRequestOutcome(status.code, partial));
        next(status);
      },
    });
    return intercepted;
  };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': o.maxRecvMsgBytes,
    'grpc.max_send_message_length': 4 << 20,
    // Bounds what one connection can make grpc-js buffer before admission sees the messages.
    'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
    interceptors: [intercept],
  });
  let bound = '';

  const exportHandler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    const body = call.request;
    const ticket = o.pipeline.admit(body.byteLength, RECEIVER);
    if ('status' in ticket) {
      callback(toServiceError(ticket) as Partial<grpc.ServiceError>);
      return;
    }
    o.pipeline
      .process(ticket, body, 'protobuf', false, o.maxRecvMsgBytes, RECEIVER)
      .then((outcome) => {
        if (outcome.status === 'ok') callback(null, encodeExportResponseProto(outcome.rejected, outcome.errorMessage));
        else callback(toServiceError(outcome) as Partial<grpc.ServiceError>);
      })
      .finally(() => o.pipeline.release(ticket));
  };
  server.addService(METRICS_SERVICE, { Export: exportHandler });

  return {
    name: RECEIVER,
    get address() {
      return bound;
    },
    async start() {
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(formatAddress(o.host, o.port), grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
      });
      widenFlowControlWindows(server);
      bound = formatAddress(o.host, port);
      o.logger.info('receiver listening', { component: RECEIVER, address: bound });
    },
    async shutdown(deadlineMs: number) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, deadlineMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function toServiceError(outcome: IngestFailure): { code: number; details: string; metadata: grpc.Metadata } {
  const status = statusOf(outcome);
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeStatusProto(status));
  return { code: status.code, details: status.message, metadata };
}

/**
 * grpc-js has no option for HTTP/2 window sizes; set them on each new session of the
 * underlying http2 servers (a private field, checked so a grpc-js change only loses the tuning).
 */
function widenFlowControlWindows(server: grpc.Server): void {
  const servers = (server as unknown as { http2Servers?: Map<import('node:http2').Http2Server, unknown> }).http2Servers;
  if (!(servers instanceof Map)) return;
  for (const h2 of servers.keys()) {
    h2.on('session', (session) => {
      try {
        session.settings({ initialWindowSize: STREAM_WINDOW });
        session.setLocalWindowSize(SESSION_WINDOW);
      } catch {
        // The session closed before settings could be sent; nothing to tune.
      }
    });
  }
}
