// Snappy for remote write bodies: the napi-rs binding (`snappy`, the dependency) against the
// pure-JS `snappyjs`, on real remote write 1.0 requests of 2,000 and 10,000 samples built by
// the exporter's own encoder from the forwarding workload. `copyOutputData` (what the exporter
// uses) copies the result into a V8-owned buffer instead of handing over external memory.
// Usage: npm run build && node native-bench/snappy.bench.mjs
import { Bench } from 'tinybench';
import { compressSync, uncompressSync } from 'snappy';
import SnappyJS from 'snappyjs';
import { ProtoBuffer } from '../dist/exporters/proto-buffer.js';
import { valueOf } from './forward-workload.mjs';

function request(samples) {
  const b = new ProtoBuffer();
  for (let s = 0; s < samples; s++) {
    const ts = b.begin(1);
    for (const [k, v] of [['__name__', `fwd_bench_${Math.floor(s / 100)}`], ['host', `h${String(s % 100).padStart(3, '0')}`], ['job', 'bench'], ['instance', 'bench-1']]) {
      const l = b.begin(1);
      b.string(1, k);
      b.string(2, v);
      b.end(l);
    }
    const smp = b.begin(2);
    b.double(1, valueOf(s, 7));
    b.int64(2, 1_700_000_000_000 + s);
    b.end(smp);
    b.end(ts);
  }
  return b.finish();
}

const rows = [];
for (const samples of [2000, 10000]) {
  const raw = request(samples);
  const native = compressSync(raw);
  const js = Buffer.from(SnappyJS.compress(raw));
  if (!uncompressSync(js).equals(raw) || !Buffer.from(SnappyJS.uncompress(native)).equals(raw)) throw new Error('round trip failed');
  const bench = new Bench({ time: 1500 });
  bench
    .add(`snappy (napi) ${samples}`, () => compressSync(raw))
    .add(`snappy (napi, copyOutputData) ${samples}`, () => compressSync(raw, { copyOutputData: true }))
    .add(`snappyjs ${samples}`, () => SnappyJS.compress(raw));
  await bench.run();
  for (const t of bench.tasks) {
    const ms = t.result.latency?.p50 ?? t.result.period;
    rows.push({ task: t.name, raw_bytes: raw.length, compressed_bytes: t.name.startsWith('snappyjs') ? js.length : native.length, p50_ms: Number(ms.toFixed(3)), mb_per_s: Math.round(raw.length / 1e6 / (ms / 1000)) });
  }
}
console.log(JSON.stringify({ bench: 'snappy', date: new Date().toISOString(), rows }));
