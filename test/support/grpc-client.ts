import * as grpc from '@grpc/grpc-js';
import { ExportResponse, retryDelayMs } from './payloads.js';

export const EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
const identity = (b: Buffer): Buffer => b;

/** What one raw Export call came back with. */
export type GrpcResult =
  | { readonly ok: true; readonly body: Buffer; readonly rejected: number; readonly errorMessage: string }
  | {
      readonly ok: false;
      readonly code: number;
      readonly details: string;
      /** The raw grpc-status-details-bin trailer (a google.rpc.Status), if sent. */
      readonly statusBin: Buffer | undefined;
      /** RetryInfo delay in ms decoded from statusBin, if any. */
      readonly retryAfterMs: number | undefined;
    };

/**
 * A bare gRPC client for MetricsService/Export that sends and receives raw bytes, so tests
 * can send anything (including garbage) and see the protocol answer exactly.
 */
export class RawExportClient {
  readonly client: grpc.Client;

  constructor(address: string, options: grpc.ChannelOptions = {}, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()) {
    this.client = new grpc.Client(address, credentials, {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
      ...options,
    });
  }

  export(body: Uint8Array, callOptions: grpc.CallOptions = {}, metadata = new grpc.Metadata()): Promise<GrpcResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(EXPORT_PATH, identity, identity, Buffer.from(body), metadata, callOptions, (err, value) => {
        if (err) {
          const bin = err.metadata?.get('grpc-status-details-bin')[0];
          const statusBin = bin === undefined ? undefined : Buffer.isBuffer(bin) ? bin : Buffer.from(bin);
          resolve({ ok: false, code: err.code, details: err.details, statusBin, retryAfterMs: statusBin ? retryDelayMs(statusBin) : undefined });
          return;
        }
        const bodyBuf = value ?? Buffer.alloc(0);
        const decoded = ExportResponse.toObject(ExportResponse.decode(bodyBuf), { longs: Number, defaults: true }) as {
          partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
        };
        resolve({
          ok: true,
          body: bodyBuf,
          rejected: decoded.partialSuccess?.rejectedDataPoints ?? 0,
          errorMessage: decoded.partialSuccess?.errorMessage ?? '',
        });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Throws unless the call succeeded; returns the success for further checks. */
export function expectGrpcOk(r: GrpcResult): Extract<GrpcResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected gRPC success, got code ${r.code}: ${r.details}`);
  return r;
}

export const GrpcStatus = grpc.status;
