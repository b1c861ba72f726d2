import type * as http from 'node:http';
import { expect } from 'vitest';
import type { TestAgent } from './agent.js';
import type { RawExportClient } from './grpc-client.js';
import { expectGrpcOk } from './grpc-client.js';
import { postMetrics } from './http-client.js';
import { goodRequest, pointsNamed } from './payloads.js';

/** Asserts a good gRPC export on `client` still succeeds and is stored. */
export async function expectGrpcStillWorks(t: TestAgent, client: RawExportClient): Promise<void> {
  const good = goodRequest('grpc_after_bad');
  const r = expectGrpcOk(await client.export(good.proto));
  expect(r.rejected).toBe(0);
  expect(pointsNamed(t.memory, good.name)).toHaveLength(1);
}

/**
 * Asserts a good HTTP export through `agent` still succeeds and is stored; with
 * `sameConnection`, also that it went over the connection the bad request used.
 */
export async function expectHttpStillWorks(t: TestAgent, agent: http.Agent, sameConnection: boolean, format: 'protobuf' | 'json' = 'protobuf'): Promise<void> {
  const good = goodRequest('http_after_bad');
  const r =
    format === 'json'
      ? await postMetrics(t.httpUrl, good.json, { agent, contentType: 'application/json' })
      : await postMetrics(t.httpUrl, good.proto, { agent });
  expect(r.status).toBe(200);
  if (sameConnection) expect(r.reusedSocket).toBe(true);
  expect(pointsNamed(t.memory, good.name)).toHaveLength(1);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(seed: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 255;
  }
  return b;
}
