// WAL throughput: appends of 64 KiB records under each fsync mode (and node:fs callbacks
// against fs.promises FileHandle underneath), and replay speed of a full WAL. Seeded payloads;
// each scenario runs --runs times, interleaved, and the median is reported. Prints JSON.
// Usage: npx tsc -p tsconfig.json && node native-bench/wal.bench.mjs [--seconds 2] [--runs 3]
//        [--replay-mib 128] [--dir /tmp]   (CAIRN_DIST=/other/outDir to use another build)
import { mkdtemp, open as openHandle, rename, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const seconds = Number(args.seconds ?? 2);
const runs = Number(args.runs ?? 3);
const replayMiB = Number(args['replay-mib'] ?? 128);
const baseDir = args.dir ?? tmpdir();
const dist = process.env.CAIRN_DIST ? pathToFileURL(`${process.env.CAIRN_DIST.replace(/\/$/, '')}/`) : new URL('../dist/', import.meta.url);
const { Wal, nodeFileIo, crc32c } = await import(new URL('store/wal/index.js', dist).href);
const { silentLogger } = await import(new URL('log/index.js', dist).href);

const RECORD = 64 << 10;
const SEGMENT = 8 << 20; // the config default (store.wal.segment_bytes)

/** xorshift32: the same bytes on every run. */
function seeded(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Incompressible: lz4 is tried and loses, every byte is written. */
function randomPayloads(count) {
  const next = seeded(42);
  return Array.from({ length: count }, () => {
    const b = new Uint8Array(RECORD);
    const u32 = new Uint32Array(b.buffer);
    for (let i = 0; i < u32.length; i++) u32[i] = next();
    return b;
  });
}

/** Shaped like a sample batch: series refs, 10 s timestamps, two-decimal values (lz4 shrinks it). */
function batchPayloads(count) {
  const next = seeded(7);
  return Array.from({ length: count }, (_, k) => {
    const n = 3276; // u32 + 2 × f64 per point fills 64 KiB with 8-byte-aligned columns
    const buf = new ArrayBuffer(RECORD);
    const refs = new Uint32Array(buf, 0, n);
    const ts = new Float64Array(buf, 4 * n, n);
    const vs = new Float64Array(buf, 12 * n, n);
    for (let i = 0; i < n; i++) {
      refs[i] = i;
      ts[i] = 1_760_000_000_000 + k * 10_000;
      vs[i] = Math.round((next() % 100_000) / 10) / 100;
    }
    return new Uint8Array(buf);
  });
}

/** fs.promises FileHandle behind the same interface, to compare with node:fs callbacks. */
function fileHandleIo() {
  const handles = new Map();
  const h = (fd) => handles.get(fd);
  return {
    async open(path, flags) {
      const fh = await openHandle(path, flags, 0o644);
      handles.set(fh.fd, fh);
      return fh.fd;
    },
    writev: async (fd, buffers, position) => (await h(fd).writev(buffers, position)).bytesWritten,
    read: async (fd, into, offset, length, position) => (await h(fd).read(into, offset, length, position)).bytesRead,
    size: async (fd) => (await h(fd).stat()).size,
    fsync: (fd) => h(fd).sync(),
    ftruncate: (fd, length) => h(fd).truncate(length),
    async close(fd) {
      const fh = h(fd);
      handles.delete(fd);
      await fh.close();
    },
    rename: (from, to) => rename(from, to),
  };
}

const payloadSets = { random: randomPayloads(64), batch: batchPayloads(64) };
const ioVariants = { callbacks: () => nodeFileIo, filehandle: fileHandleIo };

async function appendRun({ fsync, io, inflight, payload }) {
  const dir = await mkdtemp(join(baseDir, 'cairn-wal-bench-'));
  const wal = await Wal.open({ dir, segmentBytes: SEGMENT, fsync, fsyncIntervalMs: 1000, logger: silentLogger, io: ioVariants[io]() });
  const payloads = payloadSets[payload];
  let i = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (Date.now() < deadline) await wal.append(2, payloads[i++ % payloads.length]);
    }),
  );
  await wal.close();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const s = wal.stats();
  await rm(dir, { recursive: true, force: true });
  return {
    payloadMBps: s.payloadBytesAppended / 1e6 / elapsed,
    diskMBps: s.bytesAppended / 1e6 / elapsed,
    recordsPerSec: s.recordsAppended / elapsed,
    recordsPerWrite: s.recordsAppended / s.writes,
    fsyncsPerSec: s.fsyncs / elapsed,
  };
}

async function replayRun({ payload }) {
  const dir = await mkdtemp(join(baseDir, 'cairn-wal-bench-'));
  const writer = await Wal.open({ dir, segmentBytes: SEGMENT, fsync: 'never', fsyncIntervalMs: 1000, logger: silentLogger });
  const payloads = payloadSets[payload];
  const count = (replayMiB << 20) / RECORD;
  const pending = [];
  for (let i = 0; i < count; i++) {
    pending.push(writer.append(2, payloads[i % payloads.length]));
    if (pending.length === 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await writer.close();
  const reader = await Wal.open({ dir, segmentBytes: SEGMENT, fsync: 'never', fsyncIntervalMs: 1000, logger: silentLogger });
  const walBytes = reader.sizeBytes();
  let sink = 0;
  const start = process.hrtime.bigint();
  const stats = await reader.replay((r) => {
    sink += r.payload.length;
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await reader.close();
  await rm(dir, { recursive: true, force: true });
  if (sink !== count * RECORD || stats.records !== count) throw new Error('replay lost records');
  return { walMiB: walBytes / 2 ** 20, fileMBps: walBytes / 1e6 / elapsed, payloadMBps: sink / 1e6 / elapsed, recordsPerSec: count / elapsed };
}

/**
 * The file layer alone: sequential 64 KiB positional writevs (the WAL has one write in flight
 * at a time), callbacks and FileHandle alternating in 12 pairs of 0.5 s so drift on a shared
 * machine hits both alike.
 */
async function writevPairs() {
  const dir = await mkdtemp(join(baseDir, 'cairn-wal-bench-'));
  const data = [payloadSets.random[0]];
  const one = async (io, name) => {
    const impl = ioVariants[io]();
    const fd = await impl.open(join(dir, name), 'w');
    let calls = 0;
    const start = process.hrtime.bigint();
    const deadline = Date.now() + 500;
    while (Date.now() < deadline) await impl.writev(fd, data, (calls++ % 1024) * RECORD); // 64 MiB rewritten: page cache
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    await impl.close(fd);
    return calls / elapsed;
  };
  const pairs = [];
  for (let i = 0; i < 12; i++) pairs.push({ callbacks: await one('callbacks', 'a'), filehandle: await one('filehandle', 'b') });
  await rm(dir, { recursive: true, force: true });
  const med = (k) => median(pairs.map((p) => p[k]));
  return {
    callbacksCallsPerSec: Math.round(med('callbacks')),
    fileHandleCallsPerSec: Math.round(med('filehandle')),
    callbacksUsPerCall: Number((1e6 / med('callbacks')).toFixed(1)),
    fileHandleUsPerCall: Number((1e6 / med('filehandle')).toFixed(1)),
    callbacksFasterInPairs: `${pairs.filter((p) => p.callbacks > p.filehandle).length} of ${pairs.length}`,
  };
}

function crcRun() {
  const data = payloadSets.random[0];
  const rounds = 2000; // 128 MiB
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) sink ^= crc32c(data);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { MBps: (rounds * RECORD) / 1e6 / elapsed, sink };
}

const appendScenarios = [];
for (const fsync of ['never', 'interval', 'always']) {
  for (const inflight of [1, 16]) appendScenarios.push({ fsync, io: 'callbacks', inflight, payload: 'random' });
  appendScenarios.push({ fsync, io: 'filehandle', inflight: 16, payload: 'random' });
  appendScenarios.push({ fsync, io: 'callbacks', inflight: 16, payload: 'batch' });
}
const replayScenarios = [{ payload: 'random' }, { payload: 'batch' }];


const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function summarize(samples) {
  const out = {};
  for (const key of Object.keys(samples[0])) {
    if (key === 'sink') continue;
    out[key] = Number(median(samples.map((s) => s[key])).toFixed(2));
  }
  out.runs = samples.map((s) => Number((s.payloadMBps ?? s.MBps).toFixed(1)));
  return out;
}

const appendSamples = appendScenarios.map(() => []);
const replaySamples = replayScenarios.map(() => []);
const crcSamples = [];
for (let run = 0; run < runs; run++) {
  for (const [k, sc] of appendScenarios.entries()) appendSamples[k].push(await appendRun(sc));
  for (const [k, sc] of replayScenarios.entries()) replaySamples[k].push(await replayRun(sc));
  crcSamples.push(crcRun());
}

console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      dir: baseDir,
      recordBytes: RECORD,
      segmentBytes: SEGMENT,
      secondsPerRun: seconds,
      runs,
      note: 'payloadMBps: caller bytes per second; diskMBps: frame bytes written; median of runs (runs: payloadMBps of each)',
      append: appendScenarios.map((sc, k) => ({ ...sc, ...summarize(appendSamples[k]) })),
      writevOnly: await writevPairs(),
      replay: replayScenarios.map((sc, k) => ({ ...sc, pageCache: 'warm', ...summarize(replaySamples[k]) })),
      crc32c64KiB: summarize(crcSamples),
    },
    null,
    2,
  ),
);
