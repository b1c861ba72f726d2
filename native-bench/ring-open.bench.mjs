// Start-up cost of the datafile ring: DatafileRing.open rebuilding the page index of a full ring
// from its journals (docs/format/journal.md). Fills the ring once (seeded), then opens it in fresh
// processes so every run pays JIT warm-up like a real start, with the journals in the page cache
// (warm) and evicted from it with `dd iflag=nocache` (cold, as after a reboot).
// Usage: npm run build && node native-bench/ring-open.bench.mjs [--files 128] [--file-mib 8]
//          [--page-bytes 200] [--extent-kib 64] [--runs 5] [--dir /tmp/cairn-ring-bench] [--keep] [--reuse]
// --keep leaves the filled ring on disk; --reuse opens a ring kept by an earlier run instead of filling.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => {
  const [k, v] = a.trim().split(/\s+/);
  return [k, v ?? 'true'];
}));
// --dist: a build elsewhere (e.g. tsc --outDir), for measuring without touching dist/.
const dist = args.dist ?? fileURLToPath(new URL('../dist/', import.meta.url));
const { DatafileRing } = await import(pathToFileURL(join(dist, 'store/ring/index.js')).href);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const dir = args.dir ?? '/tmp/cairn-ring-bench';
const files = Number(args.files ?? 128);
const datafileBytes = Number(args['file-mib'] ?? 8) * 1024 * 1024;
const pageBytes = Number(args['page-bytes'] ?? 200);
const extentBytes = Number(args['extent-kib'] ?? 64) * 1024;
const runs = Number(args.runs ?? 5);
// The payload is stored as is (codec tag 0): open never decompresses, so the codec does not matter here.
const compress = async (raw) => {
  const out = new Uint8Array(raw.length + 1);
  out.set(raw, 1);
  return out;
};
const decompress = (bytes) => bytes.subarray(1);
const options = { dir, datafileBytes, compress, decompress, logger: silent };

if (args.child === 'open') {
  const before = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { ring, pages, stats } = await DatafileRing.open(options);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU of the whole process: the main thread plus libuv's file-system threads.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const heapMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const arrayMiB = process.memoryUsage().arrayBuffers / 2 ** 20;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  await ring.close();
  process.stdout.write(JSON.stringify({ ms, cpuMs, pages: pages.pageCount ?? pages.length, extents: stats.extents, datafiles: stats.datafiles, heapMiB, arrayMiB, rssMiB }));
  process.exit(0);
}

function mulberry32(seed) {
  return () => {
    let t = (seed = (seed + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function fill() {
  rmSync(dir, { recursive: true, force: true });
  const rng = mulberry32(42);
  const pool = new Uint8Array(1 << 20);
  for (let i = 0; i < pool.length; i++) pool[i] = (rng() * 256) | 0;
  const { ring } = await DatafileRing.open(options);
  const pagesPerExtent = Math.max(1, Math.floor(extentBytes / pageBytes));
  let t = 1_700_000_000_000;
  let series = 0;
  let pages = 0;
  const started = performance.now();
  // Stop before the (files + 1)-th file would be started.
  while (ring.files().length < files || ring.files()[files - 1].bytes + extentBytes + pagesPerExtent * 28 < datafileBytes) {
    const batch = [];
    for (let i = 0; i < pagesPerExtent; i++) {
      const len = pageBytes - 40 + ((rng() * 80) | 0);
      const at = (rng() * (pool.length - len)) | 0;
      batch.push({ meta: { seriesRef: series++ % 1_000_000, minT: t, maxT: t + 1_800_000, count: 180 }, bytes: pool.subarray(at, at + len) });
    }
    t += 1000;
    await ring.appendExtent(batch);
    pages += batch.length;
  }
  await ring.close();
  return { pages, seconds: (performance.now() - started) / 1000 };
}

function dropCache() {
  for (const name of readdirSync(dir)) execFileSync('dd', [`if=${join(dir, name)}`, 'iflag=nocache', 'count=0', 'status=none']);
}

function openInChild() {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', 'open', '--dir', dir, '--files', String(files), '--file-mib', String(datafileBytes / 2 ** 20), '--dist', dist], { maxBuffer: 1 << 20 });
  return JSON.parse(out.toString());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reuse = args.reuse === 'true';
const filled = reuse ? null : await fill();
let datafileTotal = 0;
let journalTotal = 0;
for (const name of readdirSync(dir)) {
  const size = statSync(join(dir, name)).size;
  if (name.endsWith('.cdf')) datafileTotal += size;
  else journalTotal += size;
}
const how = filled === null ? 'kept from an earlier run' : `${filled.pages.toLocaleString()} pages of ~${pageBytes} B written in ${filled.seconds.toFixed(1)} s`;
console.log(`ring: ${(datafileTotal / 2 ** 30).toFixed(2)} GiB datafiles, ${(journalTotal / 2 ** 20).toFixed(1)} MiB journals (${how})`);
for (const mode of ['warm', 'cold']) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    if (mode === 'cold') dropCache();
    results.push(openInChild());
  }
  const r = results[0];
  console.log(
    `open (${mode} page cache, fresh process): median ${median(results.map((x) => x.ms)).toFixed(0)} ms wall [${results.map((x) => x.ms.toFixed(0)).join(', ')}],` +
      ` ${median(results.map((x) => x.cpuMs)).toFixed(0)} ms CPU [${results.map((x) => x.cpuMs.toFixed(0)).join(', ')}]` +
      ` — ${r.pages.toLocaleString()} pages, ${r.extents.toLocaleString()} extents, ${r.datafiles} datafiles; heap +${r.heapMiB.toFixed(0)} MiB, array buffers ${r.arrayMiB.toFixed(0)} MiB, RSS ${median(results.map((x) => x.rssMiB)).toFixed(0)} MiB`,
  );
}
if (args.keep !== 'true' && !reuse) rmSync(dir, { recursive: true, force: true });
