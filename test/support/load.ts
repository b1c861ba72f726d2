import * as http from 'node:http';
import type { GrpcResult } from './grpc-client.js';
import { RawExportClient } from './grpc-client.js';
import type { HttpResult } from './http-client.js';
import { postMetrics } from './http-client.js';
import { decodeStatus } from './payloads.js';

/** Tallies of what a load run got back. */
export interface LoadTally {
  grpcOk: number;
  /** gRPC failures by status code. */
  grpcCodes: Record<number, number>;
  /** RetryInfo delays seen on UNAVAILABLE answers (ms). */
  grpcRetryDelays: Set<number | undefined>;
  httpOk: number;
  /** HTTP answers by status. */
  httpStatuses: Record<number, number>;
  /** Retry-After header values seen on 429s. */
  httpRetryAfter: Set<string | undefined>;
  /** google.rpc.Status codes in 429 bodies. */
  http429BodyCodes: Set<number>;
  /** Transport errors (resets, timeouts) by message. */
  errors: Record<string, number>;
}

export function newTally(): LoadTally {
  return { grpcOk: 0, grpcCodes: {}, grpcRetryDelays: new Set(), httpOk: 0, httpStatuses: {}, httpRetryAfter: new Set(), http429BodyCodes: new Set(), errors: {} };
}

const bump = (o: Record<string | number, number>, k: string | number): void => {
  o[k] = (o[k] ?? 0) + 1;
};

export function recordGrpc(t: LoadTally, r: GrpcResult): void {
  if (r.ok) {
    t.grpcOk++;
    return;
  }
  bump(t.grpcCodes, r.code);
  if (r.code === 14) t.grpcRetryDelays.add(r.retryAfterMs);
}

export function recordHttp(t: LoadTally, r: HttpResult): void {
  bump(t.httpStatuses, r.status);
  if (r.status === 200) t.httpOk++;
  if (r.status === 429) {
    t.httpRetryAfter.add(r.headers['retry-after'] as string | undefined);
    t.http429BodyCodes.add(decodeStatus(r.body, r.contentType).code);
  }
}

export interface LoadOptions {
  readonly grpcAddress: string;
  readonly httpUrl: string;
  /** Concurrent gRPC clients (each its own connection) and HTTP clients (each keep-alive). */
  readonly grpcClients: number;
  readonly httpClients: number;
  /** Requests each client keeps outstanding at once. */
  readonly depth: number;
  /** Stop starting requests after this long. */
  readonly durationMs: number;
  /** The request body for client c's i-th request. */
  readonly body: (client: number, i: number) => Buffer;
  readonly contentType?: string;
  /** Send HTTP bodies with Content-Encoding: gzip (the bodies must already be gzipped). */
  readonly gzipHeader?: boolean;
  /** Stop early once this returns true (checked between requests). */
  readonly until?: (t: LoadTally) => boolean;
}

/** Pushes requests from many clients at once for a while and tallies the answers. */
export async function pushLoad(o: LoadOptions): Promise<LoadTally> {
  const tally = newTally();
  const end = Date.now() + o.durationMs;
  const going = (): boolean => Date.now() < end && !(o.until?.(tally) ?? false);
  const grpcClients = Array.from({ length: o.grpcClients }, () => new RawExportClient(o.grpcAddress, { 'grpc.use_local_subchannel_pool': 1 }));
  const agents = Array.from({ length: o.httpClients }, () => new http.Agent({ keepAlive: true, maxSockets: o.depth }));
  const loops: Promise<void>[] = [];
  grpcClients.forEach((client, c) => {
    for (let d = 0; d < o.depth; d++) {
      loops.push(
        (async () => {
          for (let i = 0; going(); i++) {
            recordGrpc(tally, await client.export(o.body(c, i), { deadline: new Date(Date.now() + 20_000) }));
          }
        })(),
      );
    }
  });
  agents.forEach((agent, c) => {
    for (let d = 0; d < o.depth; d++) {
      loops.push(
        (async () => {
          for (let i = 0; going(); i++) {
            try {
              recordHttp(tally, await postMetrics(o.httpUrl, o.body(o.grpcClients + c, i), { agent, contentType: o.contentType, encoding: o.gzipHeader ? 'gzip' : undefined }));
            } catch (err) {
              bump(tally.errors, (err as Error).message.replace(/\d+/g, 'N'));
            }
          }
        })(),
      );
    }
  });
  try {
    await Promise.all(loops);
  } finally {
    for (const c of grpcClients) c.close();
    for (const a of agents) a.destroy();
  }
  return tally;
}

/** Samples `read` on every timer tick until stopped; returns the maximum seen. */
export function sampleMax(read: () => number | undefined, everyMs = 1): { stop(): { max: number; samples: number } } {
  let max = -Infinity;
  let samples = 0;
  const timer = setInterval(() => {
    const v = read();
    if (v === undefined) return;
    samples++;
    if (v > max) max = v;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { max, samples };
    },
  };
}
