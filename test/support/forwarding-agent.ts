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

export interface ForwardingAgent extends RunningAgent {
  /**
   * Rewrites the config file with these exporters (same store keys) and sends SIGHUP; resolves
   * with null once the agent logged the reload in force, else the reason it refused it.
   */
  reload(entries: Record<string, Record<string, unknown>>): Promise<string | null>;
}

const RELOADED = 'configuration reloaded';
const REFUSED = 'configuration reload refused; keeping the running configuration';

/** Starts an agent (child process) on `storePath` with these exporters. */
export async function startForwardingAgent(storePath: string, entries: Record<string, Record<string, unknown>>, storeKeys: Record<string, string | number | Record<string, string | number>> = {}): Promise<ForwardingAgent> {
  const dir = tempDir('cairn-fwd-cfg-');
  const keys = { wal: { fsync: 'always' }, ...storeKeys };
  const file = writeStoreConfig(dir.dir, 'cairn.yaml', storePath, keys, exportersYaml(entries));
  const agent = await startStoreAgent(file);
  const outcomes = (): Record<string, unknown>[] => agent.cairn.logs.filter((l) => l['msg'] === RELOADED || l['msg'] === REFUSED);
  return {
    ...agent,
    async reload(next) {
      writeStoreConfig(dir.dir, 'cairn.yaml', storePath, keys, exportersYaml(next));
      const before = outcomes().length;
      agent.cairn.child.kill('SIGHUP');
      await eventually(() => outcomes().length > before, 20_000, 'the reload to be logged', 20);
      const line = outcomes()[before]!;
      return line['msg'] === RELOADED ? null : String(line['error']);
    },
  };
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
