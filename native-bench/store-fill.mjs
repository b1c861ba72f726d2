// Fills a store to its disk budget through the agent (OTLP/gRPC, default store settings), for
// the start-up benchmark (store-startup.mjs). Requests carry many points per series (the OTel
// SDK's shape) and are encoded once; every round only patches their times and values in place,
// so the generator keeps up with the agent.
import * as grpc from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import root from '../dist/generated/otlp.js';
import { prng } from './workload.mjs';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;

/**
 * `series` series in metrics of `perRequest` series each (half gauges with two decimals and
 * noise, half counters growing by small integers); a request holds `pointsPerSeries`
 * consecutive points of each of its series, `stepMs` apart.
 */
export function createFill({ series = 10_000, perRequest = 100, pointsPerSeries = 60, stepMs = 10_000, seed = 11 } = {}) {
  const rand = prng(seed);
  const templates = [];
  for (let first = 0, m = 0; first < series; first += perRequest, m++) {
    const counter = m % 2 === 1;
    const n = Math.min(perRequest, series - first);
    const dataPoints = [];
    for (let s = 0; s < n; s++) {
      for (let k = 0; k < pointsPerSeries; k++) {
        // Sentinels locate each fixed64 field in the encoding: times are k, values unique.
        dataPoints.push({ timeUnixNano: String(1_000_000_000_000 + k), startTimeUnixNano: '1', asDouble: 1e15 + s * pointsPerSeries + k, attributes: [{ key: 'id', value: { stringValue: `s${first + s}` } }] });
      }
    }
    const data = counter ? { sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } } : { gauge: { dataPoints } };
    const resource = { attributes: [['service.name', 'fill'], ['service.instance.id', 'fill-1']].map(([key, v]) => ({ key, value: { stringValue: v } })) };
    const body = { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'fill' }, metrics: [{ name: `fill.${counter ? 'counter' : 'gauge'}.${m}`, unit: '1', ...data }] }] }] };
    const bytes = Buffer.from(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish());
    const times = new Uint32Array(n * pointsPerSeries);
    const values = new Uint32Array(n * pointsPerSeries);
    for (let i = 0; i < n * pointsPerSeries; i++) {
      const k = i % pointsPerSeries;
      times[i] = find(bytes, (b) => b.writeBigUInt64LE(BigInt(1_000_000_000_000 + k)), i === 0 ? 0 : times[i - 1] + 8, k);
      values[i] = find(bytes, (b) => b.writeDoubleLE(1e15 + i), 0, i);
    }
    const state = Float64Array.from({ length: n }, () => (counter ? Math.floor(rand() * 1e6) : Math.round(rand() * 10_000) / 100));
    templates.push({ bytes, times, values, counter, state, n });
  }
  return {
    points: series * pointsPerSeries,
    /** The requests of the next round, starting at `timeMs`; returns copies safe to send concurrently. */
    round(timeMs) {
      return templates.map((t) => {
        const out = Buffer.from(t.bytes);
        for (let s = 0; s < t.n; s++) {
          let v = t.state[s];
          for (let k = 0; k < pointsPerSeries; k++) {
            const i = s * pointsPerSeries + k;
            out.writeBigUInt64LE(BigInt(timeMs + k * stepMs) * 1_000_000n, t.times[i]);
            v = t.counter ? v + Math.floor(rand() * 20) : Math.max(0, Math.round((v + (rand() - 0.5) * 0.4) * 100) / 100);
            out.writeDoubleLE(v, t.values[i]);
          }
          t.state[s] = v;
        }
        return out;
      });
    },
    stepMs,
    pointsPerSeries,
  };
}

function find(bytes, write, from, what) {
  const pattern = Buffer.alloc(8);
  write(pattern);
  const at = bytes.indexOf(pattern, from);
  if (at < 0) throw new Error(`sentinel ${what} not found`);
  return at;
}

export function exporter(address) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  const id = (b) => b;
  const send = (bytes) =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', id, id, bytes, (err) => (err ? reject(err) : resolve())),
    );
  return { send, close: () => client.close() };
}

/** Sends `requests` with `inFlight` at once; a refused request (the store catching up) is sent again. */
export async function sendRound(send, requests, inFlight = 4) {
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++];
      for (let tries = 0; ; tries++) {
        try {
          await send(r);
          break;
        } catch (err) {
          if (tries > 1000) throw err; // refused while the store catches up: retry
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/**
 * Sends rounds until the ring deletes its first datafile (the store reached its budget), with
 * `inFlight` requests at once; data time ends near now. Returns what was sent.
 */
export async function fillToBudget(agent, store, fill, { inFlight = 4, log = () => undefined } = {}) {
  const { send, close } = exporter(agent.grpc);
  const roundMs = fill.pointsPerSeries * fill.stepMs;
  const started = performance.now();
  let time = Math.floor((Date.now() - 40 * 86_400_000) / fill.stepMs) * fill.stepMs;
  let points = 0;
  let retries = 0;
  const first = join(store, 'tier0', '00000001.cdf');
  let seen = false;
  for (let round = 0; !seen || existsSync(first); round++) {
    const requests = fill.round(time);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++];
        for (;;) {
          try {
            await send(r);
            break;
          } catch (err) {
            // Refused while the store catches up (retryable): wait and send again.
            retries++;
            await new Promise((res) => setTimeout(res, 200));
            if (retries > 10_000) throw err;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    points += fill.points;
    time += roundMs;
    seen ||= existsSync(first);
    if (round % 20 === 0) log({ round, points, seconds: Math.round((performance.now() - started) / 1000), pointsPerSecond: Math.round(points / ((performance.now() - started) / 1000)) });
  }
  close();
  return { points, seconds: (performance.now() - started) / 1000, retries, lastTimeMs: time };
}
