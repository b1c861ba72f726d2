import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CAIRN_BIN = join(REPO, 'bin', 'cairn.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running `cairn` child process with its stderr JSON log lines collected. */
export interface CairnProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stderr line so far. */
  readonly stderrLines: string[];
  /** Parsed JSON log lines so far (non-JSON lines skipped). */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<Exit>;
  /** Resolves with the receiver addresses once both receivers logged 'receiver listening'. */
  listening(timeoutMs?: number): Promise<{ grpc: string; http: string }>;
  /** Resolves with the first log line with this `msg` (waiting for it if needed). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Kills the process if still running (SIGKILL), then waits for it. */
  kill(): Promise<Exit>;
}

/** Children still running; killed if the test process exits first (a failed test must not leak agents). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Spawns `node [nodeArgs] bin/cairn.js ...args` with a stripped environment. */
export function spawnCairn(args: readonly string[], nodeArgs: readonly string[] = []): CairnProcess {
  const child = spawn(process.execPath, [...nodeArgs, CAIRN_BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
  running.add(child);
  const stderrLines: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      stderrLines.push(line);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stdout!.resume();
  let done: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      done = { code, signal };
      for (const w of waiters.splice(0)) w();
      resolve(done);
    });
  });
  const listening = (timeoutMs = 15_000): Promise<{ grpc: string; http: string }> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cairn did not report listening within ${timeoutMs} ms; stderr:\n${stderrLines.join('\n')}`)), timeoutMs);
      const check = (): void => {
        const addr = (component: string): string | undefined =>
          logs.find((l) => l['msg'] === 'receiver listening' && l['component'] === component)?.['address'] as string | undefined;
        const grpc = addr('otlp_grpc');
        const http = addr('otlp_http');
        if (grpc !== undefined && http !== undefined) {
          clearTimeout(timer);
          resolve({ grpc, http });
        } else if (done !== undefined) {
          clearTimeout(timer);
          reject(new Error(`cairn exited (${JSON.stringify(done)}) before listening; stderr:\n${stderrLines.join('\n')}`));
        } else waiters.push(check);
      };
      check();
    });
  const waitForLog = (msg: string, timeoutMs = 10_000): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr:\n${stderrLines.join('\n')}`)), timeoutMs);
      const check = (): void => {
        const line = logs.find((l) => l['msg'] === msg);
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        } else if (done !== undefined) {
          clearTimeout(timer);
          reject(new Error(`cairn exited before logging "${msg}"; stderr:\n${stderrLines.join('\n')}`));
        } else waiters.push(check);
      };
      check();
    });
  return {
    child,
    pid: child.pid!,
    waitForLog,
    stderrLines,
    logs,
    exited,
    listening,
    async kill() {
      if (done === undefined) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs `cairn ...args` to completion and returns its exit code and output. */
export function runCairn(args: readonly string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cairn ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary directory with helpers to write files into it; remove() deletes it. */
export function tempDir(prefix = 'cairn-test-'): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const storeDirs: string[] = [];
process.on('exit', () => {
  for (const d of storeDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * YAML for a CLI config with both receivers and the API on ephemeral ports and the store in a
 * fresh temporary directory (removed at exit); `extra` is appended verbatim.
 */
export function cliConfigYaml(extra = '', storePath?: string): string {
  const path = storePath ?? mkdtempSync(join(tmpdir(), 'cairn-store-'));
  if (storePath === undefined) storeDirs.push(path);
  return `receivers:
  otlp:
    grpc:
      endpoint: 127.0.0.1:0
    http:
      endpoint: 127.0.0.1:0
workers:
  threads: 1
shutdown:
  timeout: 5s
api:
  endpoint: 127.0.0.1:0
${/^host:/m.test(extra) ? '' : QUIET_HOST}${/^telemetry:/m.test(extra) ? '' : QUIET_TELEMETRY}store:
  path: ${JSON.stringify(path)}
${extra}`;
}

// Host and self metrics would add series of their own to every store under test; the suites
// that test them ask for them in `extra`.
const QUIET_HOST = 'host:\n  enabled: false\n';
const QUIET_TELEMETRY = 'telemetry:\n  store: false\n';

/** VmRSS of a process in bytes, from /proc/<pid>/status; undefined if it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

