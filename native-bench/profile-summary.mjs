// Summarises V8 .cpuprofile files (node --cpu-prof): self time by function and by category
// (garbage collection, program, idle), so a hot path's cost split is read off one run.
// Usage: node native-bench/profile-summary.mjs DIR_OR_FILES... [--top 25] [--from S]
//   --from S: only samples taken S seconds or more after the profile started (skip start-up)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const fromAt = args.indexOf('--from');
const fromMs = fromAt >= 0 ? Number(args.splice(fromAt, 2)[1]) * 1000 : 0;
const files = args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(a, f)) : [a]));

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // Sample i lasted timeDeltas[i + 1]; the last one is unknown, counted as the mean.
  const deltas = p.timeDeltas;
  let total = 0;
  let clock = 0;
  for (let i = 0; i < p.samples.length; i++) {
    clock += (deltas[i] ?? 0) / 1000;
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    if (clock < fromMs) continue;
    const n = byId.get(p.samples[i]);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
  const gc = [...self].filter(([k]) => k.startsWith('(garbage collector)')).reduce((s, [, v]) => s + v, 0);
  const busy = total - idle;
  console.log(`\n${file}: ${(total / 1000).toFixed(2)} s sampled, busy ${(busy / 1000).toFixed(2)} s, GC ${(gc / 1000).toFixed(2)} s (${((100 * gc) / busy).toFixed(1)} % of busy)`);
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(3).padStart(7)} s  ${k}`);
  }
}
