import type { ExporterStatus } from '../../src/exporters/index.js';
import { tempDir } from './cli.js';
import type { RunningAgent } from './store-agent.js';
import { eventually, startStoreAgent, writeStoreConfig } from './store-agent.js';

/** YAML for `exporters:` from entries (values JSON-encoded, which YAML reads as is). */
export function exportersYaml(entries: Record<string, Record<string, unknown>>): string {
  let out = 'exporters:\n';
  for (const [name, entry] of Object.entries(entries)) {
    out += `  ${name}:\n`;
    for (const [k, v] of Object.entries(entry)) out += `    ${k}: ${JSON.stringify(v)}\n`;
  }
  return out;
}

/** Starts an agent (child process) on `storePath` with these exporters. */
export async function startForwardingAgent(storePath: string, entries: Record<string, Record<string, unknown>>, storeKeys: Record<string, string | number | Record<string, string | number>> = {}): Promise<RunningAgent> {
  const dir = tempDir('cairn-fwd-cfg-');
  const file = writeStoreConfig(dir.dir, 'cairn.yaml', storePath, { wal: { fsync: 'always' }, ...storeKeys }, exportersYaml(entries));
  return startStoreAgent(file);
}

export async function exporterStatus(agent: RunningAgent): Promise<ExporterStatus[]> {
  const r = await fetch(`${agent.api.base}/api/v1/status/exporters`);
  return ((await r.json()) as { data: ExporterStatus[] }).data;
}

/** Waits until every exporter has read everything and nothing is in flight. */
export async function caughtUp(agent: RunningAgent, timeoutMs = 20_000): Promise<ExporterStatus[]> {
  let last: ExporterStatus[] = [];
  await eventually(
    async () => {
      last = await exporterStatus(agent);
      return last.every((s) => s.pendingPoints === 0 && s.inFlight === 0 && s.lagSeconds === 0);
    },
    timeoutMs,
    'exporters caught up',
    100,
  );
  return last;
}
