import { CPU_LOGICAL_COUNT, CPU_TIME, CPU_UTILIZATION } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { fieldNumber, malformed, procPath, readProcFile, splitFields } from './proc-text.js';
import { readSystemConstants, type SystemConstants } from './system-constants.js';

/** The `state` values, in the order of the /proc/stat columns they come from. */
export const CPU_STATES = ['user', 'nice', 'system', 'idle', 'wait', 'interrupt', 'softirq', 'steal'] as const;

export interface CpuTicks {
  /** cpu0, cpu1, ... */
  readonly cpu: string;
  /** Clock ticks per state, in CPU_STATES order. */
  readonly ticks: Float64Array;
}

/**
 * The per-CPU lines of /proc/stat (the aggregate `cpu` line is skipped). Columns a kernel
 * does not have yet (steal before 2.6.11, softirq before 2.6.0) count as 0; the user, nice,
 * system and idle columns every kernel has are required.
 */
export function parseCpuStat(text: string, source = '/proc/stat'): CpuTicks[] {
  const cpus: CpuTicks[] = [];
  // The cpu lines come first; stop there rather than cut the long intr line apart.
  for (let pos = 0; pos < text.length && text.startsWith('cpu', pos); ) {
    const end = text.indexOf('\n', pos);
    const line = text.slice(pos, end < 0 ? text.length : end);
    pos = end < 0 ? text.length : end + 1;
    const fields = splitFields(line);
    const name = fields[0] ?? '';
    if (name === 'cpu') continue;
    if (fields.length < 5) throw malformed(source, `${name} has ${fields.length - 1} columns, expected at least 4`);
    const ticks = new Float64Array(CPU_STATES.length);
    const columns = Math.min(fields.length - 1, CPU_STATES.length);
    for (let i = 0; i < columns; i++) ticks[i] = fieldNumber(fields, i + 1, source);
    cpus.push({ cpu: name, ticks });
  }
  if (cpus.length === 0) throw malformed(source, 'no per-CPU lines');
  return cpus;
}

export interface CpuScraperOptions {
  readonly constants?: () => Promise<SystemConstants>;
}

export function createCpuScraper(paths: HostPaths, options: CpuScraperOptions = {}): Scraper {
  const source = procPath(paths, 'stat');
  const constants = options.constants ?? readSystemConstants;
  let previous = new Map<string, Float64Array>();
  return {
    name: 'cpu',
    async scrape(sink: MetricSink): Promise<void> {
      const [text, { clockTicksPerSecond }] = await Promise.all([readProcFile(source), constants()]);
      const cpus = parseCpuStat(text, source);
      const current = new Map<string, Float64Array>();
      for (const { cpu, ticks } of cpus) {
        const before = previous.get(cpu);
        // iowait can step backwards on tickless kernels; a counter must not.
        if (before) for (let i = 0; i < ticks.length; i++) ticks[i] = Math.max(ticks[i]!, before[i]!);
        current.set(cpu, ticks);
        for (let i = 0; i < CPU_STATES.length; i++) {
          sink.counter(CPU_TIME, [['cpu', cpu], ['state', CPU_STATES[i]!]], ticks[i]! / clockTicksPerSecond);
        }
        if (before) reportUtilization(sink, cpu, before, ticks);
      }
      previous = current;
      sink.upDown(CPU_LOGICAL_COUNT, [], cpus.length);
    },
  };
}

/** Each state's share of the ticks that passed since the last scrape; nothing if none did. */
function reportUtilization(sink: MetricSink, cpu: string, before: Float64Array, now: Float64Array): void {
  let total = 0;
  for (let i = 0; i < now.length; i++) total += now[i]! - before[i]!;
  if (total <= 0) return;
  for (let i = 0; i < CPU_STATES.length; i++) {
    sink.gauge(CPU_UTILIZATION, [['cpu', cpu], ['state', CPU_STATES[i]!]], (now[i]! - before[i]!) / total);
  }
}
