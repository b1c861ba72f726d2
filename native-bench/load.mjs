// OTLP load generator. Sends pre-encoded requests as fast as the agent accepts them.
// Usage: node native-bench/load.mjs --transport grpc|http|http-json --target 127.0.0.1:4317
//          [--series 10000] [--points 1000] [--concurrency 8] [--duration 20] [--gzip] [--same-timestamps]
//          [--ca FILE] (TLS, trusting this CA)  [--token T] (authorization: Bearer T)
// Prints one JSON line: points/s accepted, requests, errors by kind, latency p50/p99 (ms).
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import https from 'node:https';
import { buildWorkload, setTimestamps } from './workload.mjs';

const args = parseArgs(process.argv.slice(2));
const transport = args.transport ?? 'grpc';
const target = args.target ?? (transport === 'grpc' ? '127.0.0.1:4317' : '127.0.0.1:4318');
const series = Number(args.series ?? 10_000);
const pointsPerRequest = Number(args.points ?? 1_000);
const concurrency = Number(args.concurrency ?? 8);
const durationMs = Number(args.duration ?? 20) * 1000;
const gzip = args.gzip === true;
// --same-timestamps re-sends identical points (receiver-only figures); the default advances time.
const advance = args['same-timestamps'] !== true && transport !== 'http-json' && !(gzip && transport !== 'grpc');
const startMs = Date.now() - 3_600_000;
const ca = typeof args.ca === 'string' ? readFileSync(args.ca) : null;
const auth = typeof args.token === 'string' ? { authorization: `Bearer ${args.token}` } : {};

const workload = buildWorkload({ series, pointsPerRequest, json: transport === 'http-json' });
let bodies = transport === 'http-json' ? workload.json.map((s) => Buffer.from(s)) : workload.requests.map((b) => Buffer.from(b));
// gRPC compresses per message itself (channel option below); HTTP bodies are gzipped here, once.
if (gzip && transport !== 'grpc') bodies = bodies.map((b) => gzipSync(b));
const send = transport === 'grpc' ? grpcSender(target) : httpSender(target, transport === 'http-json' ? 'application/json' : 'application/x-protobuf');

const latencies = [];
const errors = {};
let accepted = 0;
let requests = 0;
let next = 0;
const started = performance.now();
const deadline = started + durationMs;

async function loop() {
  while (performance.now() < deadline) {
    const i = next++ % bodies.length;
    // Each round of requests carries new timestamps (1 ms apart), as a store needs; a copy
    // is patched, not re-encoded, so the client stays cheap.
    const body = advance ? Buffer.from(bodies[i]) : bodies[i];
    if (advance) setTimestamps(body, workload.offsets[i], startMs + Math.floor(next / bodies.length) + 1);
    const t0 = performance.now();
    const result = await send(body);
    latencies.push(performance.now() - t0);
    requests++;
    if (result === 'ok') accepted += workload.points;
    else {
      errors[result] = (errors[result] ?? 0) + 1;
      if (result.startsWith('retry')) await new Promise((r) => setTimeout(r, 20));
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => +(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2);
console.log(JSON.stringify({ transport, target, series, pointsPerRequest, concurrency, gzip, seconds: +elapsed.toFixed(2), requests, acceptedPoints: accepted, pointsPerSecond: Math.round(accepted / elapsed), errors, latencyMs: { p50: q(0.5), p99: q(0.99) } }));
process.exit(0);

function grpcSender(address) {
  const identity = (b) => b;
  const credentials = ca === null ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(ca);
  const client = new grpc.Client(address, credentials, gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  const metadata = new grpc.Metadata();
  if (auth.authorization !== undefined) metadata.set('authorization', auth.authorization);
  return (body) =>
    new Promise((resolve) => {
      client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', identity, identity, body, metadata, (err) => {
        if (!err) resolve('ok');
        else resolve(err.code === grpc.status.UNAVAILABLE ? 'retry:UNAVAILABLE' : `grpc:${err.code}`);
      });
    });
}

function httpSender(address, contentType) {
  const [host, port] = address.split(':');
  const lib = ca === null ? http : https;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: concurrency, ...(ca === null ? {} : { ca }) });
  return (body) =>
    new Promise((resolve) => {
      const req = lib.request({ host, port: Number(port), path: '/v1/metrics', method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length, ...auth, ...(gzip ? { 'content-encoding': 'gzip' } : {}) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : res.statusCode === 429 || res.statusCode === 503 ? `retry:${res.statusCode}` : `http:${res.statusCode}`));
      });
      req.on('error', (e) => resolve(`net:${e.code ?? e.message}`));
      req.end(body);
    });
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) out[key] = true;
    else (out[key] = value), i++;
  }
  return out;
}
