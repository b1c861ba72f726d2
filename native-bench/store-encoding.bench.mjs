// Bytes per sample and speed of the store's encoding leaf on the store issue's workload:
// 10,000 series × 360 points at 10 s (one hour), seeded. Single thread, no I/O.
// Usage: npx tsc -p tsconfig.json && node native-bench/store-encoding.bench.mjs [--series 10000] [--points 360] [--time 2000]
import { createRequire } from 'node:module';
import { deflateRawSync } from 'node:zlib';
import { Bench } from 'tinybench';
import { prng } from './workload.mjs';
import { compressExtent, crc32c, decodePage, decompressExtent, encodePage } from '../dist/store/encoding/index.js';
// Internals, for the Gorilla-only comparison (what Prometheus-style XOR chunks spend on values).
import { gorillaCodec } from '../dist/store/encoding/gorilla-codec.js';
import { BitWriter } from '../dist/store/encoding/bit-writer.js';

const lz4 = createRequire(import.meta.url)('lz4');

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const seriesCount = Number(args.series ?? 10_000);
const points = Number(args.points ?? 360);
const benchTime = Number(args.time ?? 2000);

// ---- workload --------------------------------------------------------------------------

const rand = prng(1);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const logUniform = (lo, hi) => lo * (hi / lo) ** rand();
const T0 = 1_763_683_200_000; // 2025-11-21T00:00:00Z

/** 10 s spacing from a per-series phase; 5 % of points are 1–5 ms late (not accumulating). */
function timestamps() {
  const ts = new Float64Array(points);
  const phase = Math.floor(rand() * 10_000);
  for (let i = 0; i < points; i++) ts[i] = T0 + phase + i * 10_000 + (rand() < 0.05 ? 1 + Math.floor(rand() * 5) : 0);
  return ts;
}

const KINDS = {
  /** CPU seconds from /proc/stat: integer ticks of 0.01 s, 0.01–1 cores busy, bursty. */
  'counter-cpu-seconds'() {
    const vs = new Float64Array(points);
    const load = logUniform(0.01, 1);
    let ticks = Math.floor(rand() * 1e8);
    for (let i = 0; i < points; i++) {
      ticks += Math.round(1000 * load * (0.5 + rand()));
      vs[i] = ticks / 100;
    }
    return vs;
  },
  /** Request count: ~Poisson increments around 0.1–500 per 10 s. */
  'counter-requests'() {
    const vs = new Float64Array(points);
    const rate = logUniform(0.1, 500);
    let count = Math.floor(rand() * 1e6);
    for (let i = 0; i < points; i++) {
      count += Math.max(0, Math.round(rate + Math.sqrt(rate) * gauss()));
      vs[i] = count;
    }
    return vs;
  },
  /** Temperature / load / percent: a level in 0–100 with 1–2 decimals and mean-reverting noise of 1–10 units of the last decimal. */
  'gauge-decimal'() {
    const vs = new Float64Array(points);
    const decimals = rand() < 0.5 ? 1 : 2;
    const unit = 10 ** -decimals;
    const level = rand() * 100;
    const sigma = logUniform(1, 10) * unit;
    let x = level;
    for (let i = 0; i < points; i++) {
      x = level + 0.9 * (x - level) + sigma * gauss();
      vs[i] = Number(Math.max(0, x).toFixed(decimals));
    }
    return vs;
  },
  /** Limits, flags, build info. */
  constant() {
    const choices = [0, 1, 1, 1, 4, 8, 0.5, 1024, 4_294_967_296, 8_589_934_592];
    return new Float64Array(points).fill(choices[Math.floor(rand() * choices.length)]);
  },
  /** RSS / MemAvailable: bytes in pages of 4096 (or kB × 1024), unchanged 40 % of the time. */
  'gauge-memory-bytes'() {
    const vs = new Float64Array(points);
    const granule = rand() < 0.5 ? 4096 : 1024;
    const step = logUniform(1, 10_000);
    let units = Math.floor(logUniform(50e6, 8e9) / granule);
    for (let i = 0; i < points; i++) {
      if (rand() >= 0.1) units = Math.max(1, units + Math.round(step * gauss()));
      vs[i] = units * granule;
    }
    return vs;
  },
};
// A third counters, a third decimal gauges, a tenth constant, the rest memory-like.
const MIX = [
  ['counter-cpu-seconds', 1 / 6],
  ['counter-requests', 1 / 6],
  ['gauge-decimal', 1 / 3],
  ['constant', 0.1],
  ['gauge-memory-bytes', 1 - 1 / 6 - 1 / 6 - 1 / 3 - 0.1],
];
function pickKind() {
  let r = rand();
  for (const [kind, share] of MIX) if ((r -= share) < 0) return kind;
  return MIX[MIX.length - 1][0];
}

const series = [];
for (let s = 0; s < seriesCount; s++) {
  const kind = pickKind();
  series.push({ kind, ts: timestamps(), vs: KINDS[kind]() });
}
const samples = seriesCount * points;

// ---- bytes per sample ------------------------------------------------------------------

const fmt = (bytes) => (bytes / samples).toFixed(3);
const CODEC_NAMES = { 1: 'constant', 2: 'gorilla', 3: 'decimal' };

const pages = series.map((s) => encodePage(s.ts, s.vs, points));
const pageBytes = pages.reduce((n, p) => n + p.length, 0);

// Round trip everything once: a benchmark of a lossy codec would be meaningless.
for (let s = 0; s < seriesCount; s++) {
  const d = decodePage(pages[s]);
  const a = new BigUint64Array(d.values.buffer);
  const b = new BigUint64Array(series[s].vs.buffer);
  for (let i = 0; i < points; i++) {
    if (a[i] !== b[i] || d.timestamps[i] !== series[s].ts[i]) throw new Error(`round trip failed: series ${s} point ${i}`);
  }
}

// Per kind: page bytes, codecs chosen, and Gorilla XOR on the same values for comparison.
const byKind = new Map();
const gorillaWriter = new BitWriter();
let gorillaBytes = 0;
for (let s = 0; s < seriesCount; s++) {
  const k = byKind.get(series[s].kind) ?? { series: 0, bytes: 0, gorilla: 0, codecs: {} };
  k.series++;
  k.bytes += pages[s].length;
  const codec = CODEC_NAMES[pages[s][1] & 0x0f];
  k.codecs[codec] = (k.codecs[codec] ?? 0) + 1;
  gorillaWriter.reset();
  gorillaCodec.encode(gorillaWriter, series[s].vs, points, Infinity);
  const g = gorillaWriter.finish().length;
  k.gorilla += g;
  gorillaBytes += g;
  byKind.set(series[s].kind, k);
}
// Timestamp sections alone: the same timestamps with all-zero values (4-byte header and a
// 2-byte constant section taken off).
const timestampBytes = series.reduce((n, s) => n + encodePage(s.ts, new Float64Array(points), points).length - 6, 0);

console.log(`workload: ${seriesCount} series × ${points} points = ${samples} samples (seed 1)\n`);
console.log('kind                    series  page B/sample  Gorilla-values B/sample  codecs chosen');
for (const [kind, k] of [...byKind].sort()) {
  const per = (bytes) => (bytes / (k.series * points)).toFixed(3);
  console.log(`${kind.padEnd(22)} ${String(k.series).padStart(7)}  ${per(k.bytes).padStart(13)}  ${per(k.gorilla).padStart(23)}  ${JSON.stringify(k.codecs)}`);
}
console.log(
  `\npages alone: ${pageBytes} B = ${fmt(pageBytes)} B/sample ` +
    `(headers ${fmt(4 * seriesCount)}, timestamps ${fmt(timestampBytes)}, values ${fmt(pageBytes - timestampBytes - 4 * seriesCount)}; ` +
    `Gorilla XOR values alone would be ${fmt(gorillaBytes)})`,
);

function packExtents(targetRaw) {
  const extents = [];
  let parts = [];
  let size = 0;
  const flush = () => {
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    extents.push(out);
    parts = [];
    size = 0;
  };
  for (const p of pages) {
    parts.push(p);
    size += p.length;
    if (size >= targetRaw) flush();
  }
  if (parts.length > 0) flush();
  return extents;
}
function lz4Block(raw) {
  const out = Buffer.allocUnsafe(lz4.encodeBound(raw.length));
  return out.subarray(0, lz4.encodeBlock(Buffer.from(raw.buffer, raw.byteOffset, raw.length), out));
}

console.log('\nextents (pages concatenated in series order, +1 method byte each):');
for (const target of [64 * 1024, 128 * 1024, 256 * 1024]) {
  const extents = packExtents(target);
  let lz4Bytes = 0;
  let deflateBytes = 0;
  let bestBytes = 0;
  const methods = [0, 0, 0];
  for (const e of extents) {
    lz4Bytes += 1 + lz4Block(e).length;
    deflateBytes += 1 + deflateRawSync(e, { level: 1 }).length;
    const c = compressExtent(e);
    bestBytes += c.length;
    methods[c[0]]++;
    if (decompressExtent(c, e.length).length !== e.length) throw new Error('extent round trip');
  }
  console.log(
    `  ~${target / 1024} KiB raw, ${extents.length} extents of ~${(bestBytes / extents.length / 1024).toFixed(0)} KiB compressed: ` +
      `lz4 ${fmt(lz4Bytes)}, deflate-1 ${fmt(deflateBytes)}, best-of ${fmt(bestBytes)} B/sample ` +
      `(method none/lz4/deflate chosen ${methods.join('/')})`,
  );
}

// ---- speed -----------------------------------------------------------------------------

const BYTE_TABLE = new Uint32Array(256).map((_, b) => {
  let c = b;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c;
});
/** The byte-at-a-time loop slicing-by-8 replaces, for the before/after figure. */
function crc32cBytewise(bytes) {
  let crc = ~0;
  for (let j = 0; j < bytes.length; j++) crc = BYTE_TABLE[(crc ^ bytes[j]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const benchSeries = series.slice(0, Math.min(1000, seriesCount));
const benchPages = pages.slice(0, benchSeries.length);
const extent = packExtents(128 * 1024)[0];
const extentBuffer = Buffer.from(extent.buffer, extent.byteOffset, extent.length);
const deflated = compressExtent(extent);
const lz4Only = new Uint8Array(1 + lz4Block(extent).length);
lz4Only[0] = 1;
lz4Only.set(lz4Block(extent), 1);
const lz4Out = Buffer.alloc(extent.length);
let i = 0;
let sink = 0;
const bench = new Bench({ time: benchTime, warmupTime: 500 });
bench
  .add(`encodePage (${points} points)`, () => {
    const s = benchSeries[i++ % benchSeries.length];
    sink += encodePage(s.ts, s.vs, points).length;
  })
  .add(`decodePage (${points} points)`, () => {
    sink += decodePage(benchPages[i++ % benchPages.length]).count;
  })
  .add('compressExtent (tries lz4 and deflate)', () => {
    sink += compressExtent(extent).length;
  })
  .add('  lz4 encodeBlock alone', () => {
    sink += lz4.encodeBlock(extentBuffer, lz4Out);
  })
  .add('  deflateRawSync level 1 alone', () => {
    sink += deflateRawSync(extentBuffer, { level: 1 }).length;
  })
  .add('decompressExtent (deflate)', () => {
    sink += decompressExtent(deflated, extent.length).length;
  })
  .add('decompressExtent (lz4)', () => {
    sink += decompressExtent(lz4Only, extent.length).length;
  })
  .add('crc32c slicing-by-8', () => {
    sink += crc32c(extent);
  })
  .add('crc32c byte-at-a-time (before)', () => {
    sink += crc32cBytewise(extent);
  });
await bench.run();

console.log(`\nspeed (tinybench, one thread, median per call; extent = ${(extent.length / 1024).toFixed(0)} KiB raw):`);
for (const task of bench.tasks) {
  const r = task.result;
  const medianNs = (r.latency?.p50 ?? r.p50 ?? r.mean) * 1e6;
  const per = task.name.includes('Page') ? `${(medianNs / points).toFixed(1)} ns/sample` : `${((extent.length / medianNs) * 1e3).toFixed(0)} MB/s`;
  console.log(`  ${task.name.padEnd(40)} ${(medianNs / 1e3).toFixed(1).padStart(9)} µs   ${per}`);
}
if (sink === 0.5) console.log(sink); // keeps the results alive
