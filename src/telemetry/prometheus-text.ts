import type { Labels, Registry, Sample } from './registry.js';

/**
 * The registry in the Prometheus text exposition format (version 0.0.4): HELP and TYPE once
 * per family, histograms as cumulative `_bucket{le}` series ending in `+Inf`, then `_sum` and
 * `_count`. Families with no samples yet (a labelled counter never incremented) are left out.
 */
export function prometheusText(registry: Registry): string {
  const byName = new Map<string, Sample[]>();
  for (const s of registry.collect()) {
    const list = byName.get(s.name);
    if (list === undefined) byName.set(s.name, [s]);
    else list.push(s);
  }
  const lines: string[] = [];
  for (const [name, samples] of byName) {
    const first = samples[0]!;
    lines.push(`# HELP ${name} ${escapeHelp(first.help)}`, `# TYPE ${name} ${first.type}`);
    for (const s of samples) {
      if (s.type !== 'histogram') {
        lines.push(`${name}${renderLabels(s.labels)} ${formatValue(s.value)}`);
        continue;
      }
      let cumulative = 0;
      s.bounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${name}_bucket${renderLabels(s.labels, formatValue(bound))} ${cumulative}`);
      });
      lines.push(`${name}_bucket${renderLabels(s.labels, '+Inf')} ${s.value}`);
      lines.push(`${name}_sum${renderLabels(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${name}_count${renderLabels(s.labels)} ${s.value}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function renderLabels(labels: Labels, le?: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
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
