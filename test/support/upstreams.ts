import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './store-agent.js';

// Real upstreams for forwarding tests: Prometheus 2.42 (remote write receiver) and
// VictoriaMetrics 1.79, Debian packages installed by .ci/run. A suite whose binary is missing
// skips, saying so.
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const VICTORIA_BIN = '/usr/bin/victoria-metrics';
export const hasPrometheus = existsSync(PROMETHEUS_BIN);
export const hasVictoria = existsSync(VICTORIA_BIN);

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A server process on a fixed port and data directory, restartable on both. */
export class Upstream {
  readonly port: number;
  readonly dir: string;
  readonly #args: (port: number, dir: string) => string[];
  readonly #bin: string;
  readonly #readyPath: string;
  #child: ChildProcess | null = null;
  log = '';

  private constructor(bin: string, args: (port: number, dir: string) => string[], readyPath: string, port: number, dir: string) {
    this.#bin = bin;
    this.#args = args;
    this.#readyPath = readyPath;
    this.port = port;
    this.dir = dir;
  }

  static async prometheus(): Promise<Upstream> {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-prom-'));
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    const u = new Upstream(PROMETHEUS_BIN, (port, d) => [`--config.file=${join(d, 'prometheus.yml')}`, `--storage.tsdb.path=${join(d, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=100y'], '/-/ready', await freePort(), dir);
    await u.start();
    return u;
  }

  static async victoria(): Promise<Upstream> {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-vm-'));
    // dedup at 1 ms: a sample delivered twice is stored once, so counts are of distinct samples.
    const u = new Upstream(VICTORIA_BIN, (port, d) => [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${d}`, '-retentionPeriod=100y', '-search.latencyOffset=0s', '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR'], '/health', await freePort(), dir);
    await u.start();
    return u;
  }

  get writeUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v1/write`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(this.#bin, this.#args(this.port, this.dir), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout!.on('data', (c: Buffer) => (this.log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
    child.on('close', () => children.delete(child));
    this.#child = child;
    await eventually(async () => (await fetch(this.baseUrl + this.#readyPath).catch(() => null))?.ok === true, 20_000, `${this.#bin} ready`, 100);
  }

  /** SIGTERM (clean) or SIGKILL, then waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('close', r));
    child.kill(signal);
    await exited;
    this.#child = null;
  }

  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every raw sample of the selector as `name{labels} t=v` keys, through a Prometheus-style range query. */
export async function rawSamples(baseUrl: string, selector: string, atSeconds: number): Promise<Map<string, Record<string, string>>> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(`${selector}[100d]`)}&time=${atSeconds}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  const out = new Map<string, Record<string, string>>();
  for (const r of body.data.result) {
    const { __name__: name, ...rest } = r.metric;
    const labels = Object.keys(rest).sort().map((k) => `${k}="${rest[k]}"`).join(',');
    for (const [t, v] of r.values) out.set(`${name}{${labels}} ${Math.round(t * 1000)}=${v}`, r.metric);
  }
  return out;
}
