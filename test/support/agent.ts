import type { Agent } from '../../src/agent/index.js';
import { startAgent } from '../../src/agent/index.js';
import type { Config } from '../../src/config/index.js';
import { validate } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { Store } from '../../src/store/index.js';
import { NonDurableMemoryStore } from '../../src/store/index.js';

type Raw = Record<string, unknown>;

/** Deep-merges plain objects (b wins); arrays and scalars are replaced. */
function merge(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? merge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Both receivers on ephemeral loopback ports, one decode worker, short shutdown; no host or
 * self metrics in the store (suites testing those turn them on).
 */
export const TEST_RAW_CONFIG: Raw = {
  receivers: { otlp: { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } } },
  api: { endpoint: '127.0.0.1:0' },
  host: { enabled: false },
  telemetry: { store: false },
  workers: { threads: 1 },
  shutdown: { timeout: '5s' },
};

/** A Config from the test defaults with `overrides` merged in (raw YAML-shaped values). */
export function testConfig(overrides: Raw = {}): Config {
  const result = validate(merge(TEST_RAW_CONFIG, overrides));
  if ('problems' in result) throw new Error(`test config invalid: ${JSON.stringify(result.problems)}`);
  return result.config;
}

export interface TestAgent {
  readonly agent: Agent;
  /** The memory store behind the agent (the inner one when a wrapper store was given). */
  readonly memory: NonDurableMemoryStore;
  /** host:port of the gRPC receiver. */
  readonly grpcAddress: string;
  /** Full URL of POST /v1/metrics. */
  readonly httpUrl: string;
  /** http://host:port of the HTTP receiver. */
  readonly httpBase: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly config?: Raw;
  /** Builds the store the agent uses around the memory store (e.g. a slow wrapper). */
  readonly wrapStore?: (memory: NonDurableMemoryStore) => Store;
}

/** Starts an agent in-process on ephemeral ports with a memory store and a silent logger. */
export async function startTestAgent(options: StartOptions = {}): Promise<TestAgent> {
  const memory = new NonDurableMemoryStore({ maxPoints: 2_000_000 });
  const store = options.wrapStore ? options.wrapStore(memory) : memory;
  const agent = await startAgent({ config: testConfig(options.config), logger: silentLogger, store });
  const grpc = agent.receivers.find((r) => r.name === 'otlp_grpc');
  const http = agent.receivers.find((r) => r.name === 'otlp_http');
  const httpBase = http ? `http://${http.address}` : '';
  return {
    agent,
    memory,
    grpcAddress: grpc?.address ?? '',
    httpBase,
    httpUrl: `${httpBase}/v1/metrics`,
    close: () => agent.shutdown(),
  };
}

/** Polls `cond` until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
