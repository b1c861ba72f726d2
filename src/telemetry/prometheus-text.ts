import type { Registry } from './registry.js';

/** The registry in the Prometheus text exposition format (version 0.0.4). */
export function prometheusText(registry: Registry): string {
  const byName = new Map<string, ReturnType<Registry['collect']>>();
  for (const s of registry.collect()) {
    const list = byName.get(s.name) ?? [];
    list.push(s);
    byName.set(s.name, list);
  }
  let out = '';
  for (const [name, samples] of byName) {
    const first = samples[0]!;
    out += `# HELP ${name} ${escapeHelp(first.help)}\n# TYPE ${name} ${first.type}\n`;
    for (const s of samples) {
      const labels = Object.entries(s.labels);
      const rendered = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
      out += `${name}${rendered} ${formatValue(s.value)}\n`;
    }
  }
  return out;
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
