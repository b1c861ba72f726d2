import type { ExporterConfig } from '../../src/config/index.js';
import { validate } from '../../src/config/index.js';
import { Exporter } from '../../src/exporters/index.js';
import type { Logger } from '../../src/log/index.js';
import type { DiskStore } from '../../src/store/index.js';
import { Registry } from '../../src/telemetry/index.js';
import { startDiskStore } from './disk-store.js';
import { buildBatch, seriesDef, tempDir } from './store-units.js';

/** An exporter entry as a user would write it (YAML-shaped), decoded with its defaults. */
export function exporterConfig(entry: Record<string, unknown>): ExporterConfig {
  const r = validate({ exporters: { t: entry } });
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.config.exporters['t']!;
}

/** A logger that keeps every line (tests count "logged once"). */
export function recordingLogger(): Logger & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * `series` gauge series `g{i="…"}` (numbered from `firstSeries`) with `rounds` points each
 * (value = round·1000 + series by default), in batches of one round.
 */
export async function appendGauges(store: DiskStore, series: number, rounds: number, from = 0, valueOf = (round: number, s: number) => round * 1000 + s, baseMs = 1_700_000_000_000, firstSeries = 0): Promise<number> {
  const defs = Array.from({ length: series }, (_, k) => {
    const i = firstSeries + k;
    return seriesDef({ hashHi: 7000 + i, hashLo: 77 + i, name: 'g', attributes: [['i', String(i)]] });
  });
  for (let round = from; round < from + rounds; round++) {
    const points = defs.map((_, i) => ({ series: i, t: baseMs + round * 1000, v: valueOf(round, i) }));
    await store.append(buildBatch(defs, points, 'all'));
  }
  return series * rounds;
}

/** A started DiskStore and an exporter on it; `stop()` shuts both down. */
export async function startExporter(entry: Record<string, unknown>, options: { dir?: string; logger?: Logger; store?: DiskStore } = {}): Promise<{
  store: DiskStore;
  exporter: Exporter;
  registry: Registry;
  dir: string;
  stop(deadlineMs?: number): Promise<void>;
}> {
  const dir = options.dir ?? tempDir();
  const store = options.store ?? (await startDiskStore(dir)).store;
  const registry = new Registry();
  const exporter = new Exporter({ name: 't', config: exporterConfig(entry), store, registry, logger: options.logger ?? recordingLogger() });
  await exporter.start();
  return {
    store,
    exporter,
    registry,
    dir,
    async stop(deadlineMs = 2000) {
      await exporter.shutdown(deadlineMs);
      await store.shutdown(1000);
    },
  };
}
