import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log/index.js';
import type { WorkerPool } from '../../src/workers/index.js';
import { createWorkerPool } from '../../src/workers/index.js';

// Workers start when the first request needs them and stop after idleTimeoutMs with nothing to
// do: an idle worker thread costs about 12 MiB of RSS.

const SCRIPT = new URL('./fixtures/lifecycle-worker.mjs', import.meta.url);

interface Req {
  id: number;
  op: 'echo' | 'delay' | 'exit-after';
  value?: unknown;
  ms?: number;
}
/** The fixture answers every op with a Reply. */
type TestOps = Record<Req['op'], { request: Omit<Req, 'id'>; reply: Reply }>;
interface Reply {
  id: number;
  threadId: number;
  value?: unknown;
}

const logged: { level: string; msg: string }[] = [];
const logger: Logger = {
  debug: (msg) => logged.push({ level: 'debug', msg }),
  info: (msg) => logged.push({ level: 'info', msg }),
  warn: (msg) => logged.push({ level: 'warn', msg }),
  error: (msg) => logged.push({ level: 'error', msg }),
};

let pool: WorkerPool<TestOps> | undefined;
afterEach(async () => {
  await pool?.shutdown();
  pool = undefined;
  logged.length = 0;
});

function makePool(size: number, idleTimeoutMs?: number): WorkerPool<TestOps> {
  pool = createWorkerPool<TestOps>({ size, script: SCRIPT, logger, idleTimeoutMs });
  return pool;
}

const run = (p: WorkerPool<TestOps>, req: Omit<Req, 'id'>): Promise<Reply> => p.run(req.op, req, []);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds; fails after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const warnings = (): string[] => logged.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg);

describe('worker pool life cycle', () => {
  it('starts no worker thread before the first request, then one per request that finds every running worker busy', async () => {
    const p = makePool(3, 60_000);
    expect(p.stats()).toMatchObject({ size: 3, running: 0, inFlight: 0, queued: 0 });
    await run(p, { op: 'echo' });
    expect(p.stats().running).toBe(1);
    // One at a time: the running worker is free each time, so no other starts.
    const threads = new Set<number>();
    for (let i = 0; i < 5; i++) threads.add((await run(p, { op: 'echo' })).threadId);
    expect(threads.size).toBe(1);
    expect(p.stats().running).toBe(1);
    // Two at once beside a busy one: the pool grows to its size, not past it.
    const busy = [run(p, { op: 'delay', ms: 150 }), run(p, { op: 'delay', ms: 150 }), run(p, { op: 'delay', ms: 150 }), run(p, { op: 'delay', ms: 150 })];
    expect(p.stats()).toMatchObject({ running: 3, inFlight: 4, queued: 1 });
    expect(new Set((await Promise.all(busy)).map((r) => r.threadId)).size).toBe(3);
  });

  it('starts lazily without an idle timeout too, and then keeps its workers', async () => {
    const p = makePool(2);
    expect(p.stats().running).toBe(0);
    await run(p, { op: 'echo' });
    await sleep(300);
    expect(p.stats().running).toBe(1);
  });

  it('stops a worker idle for idleTimeoutMs without calling it a crash, and starts one again on the next request', async () => {
    const p = makePool(2, 200);
    const first = await run(p, { op: 'echo' });
    expect(p.stats().running).toBe(1);
    await until(() => p.stats().running === 0, 3000, 'the idle worker to stop');
    expect(p.stats()).toMatchObject({ running: 0, crashes: 0, inFlight: 0 });
    expect(warnings()).toEqual([]);
    const again = await run(p, { op: 'echo', value: 'again' });
    expect(again.value).toBe('again');
    expect(again.threadId).not.toBe(first.threadId);
    expect(p.stats().running).toBe(1);
  });

  it('keeps a worker that is used more often than the idle timeout', async () => {
    const p = makePool(1, 300);
    const threads = new Set<number>();
    for (let i = 0; i < 8; i++) {
      threads.add((await run(p, { op: 'echo' })).threadId);
      await sleep(100);
    }
    expect(threads.size).toBe(1);
    expect(p.stats().running).toBe(1);
  });

  it('does not stop a worker with a request in flight longer than the idle timeout', async () => {
    const p = makePool(1, 100);
    const slow = run(p, { op: 'delay', ms: 400, value: 'slow' });
    await sleep(250);
    expect(p.stats().running).toBe(1);
    expect((await slow).value).toBe('slow');
    await until(() => p.stats().running === 0, 3000, 'the idle worker to stop');
    expect(p.stats().crashes).toBe(0);
  });

  it('counts a worker that dies while idle once: replaced, then the replacement stops when idle', async () => {
    const p = makePool(1, 400);
    await run(p, { op: 'exit-after', ms: 50 });
    await until(() => p.stats().crashes === 1, 3000, 'the crash to be noticed');
    expect(p.stats().running).toBe(1); // replaced at once
    await until(() => p.stats().running === 0, 3000, 'the replacement to stop when idle');
    await sleep(500);
    expect(p.stats().crashes).toBe(1);
    expect(warnings().filter((m) => m.includes('replacing'))).toHaveLength(1);
    expect((await run(p, { op: 'echo', value: 'after' })).value).toBe('after');
  });

  it('reports the queue depth under load: requests beyond one per running worker', async () => {
    const p = makePool(2, 60_000);
    const load = Array.from({ length: 7 }, (_, i) => run(p, { op: 'delay', ms: 200, value: i }));
    expect(p.stats()).toMatchObject({ running: 2, inFlight: 7, queued: 5 });
    await Promise.all(load);
    expect(p.stats()).toMatchObject({ running: 2, inFlight: 0, queued: 0 });
    const busy = p.stats().busyMs.reduce((a, b) => a + b, 0);
    // Each worker answers its delays concurrently, so each was busy about 200 ms.
    expect(busy).toBeGreaterThanOrEqual(300);
  });

  it('keeps busy time when a worker stops, so the summed busy time never goes down', async () => {
    const p = makePool(1, 100);
    await run(p, { op: 'delay', ms: 100 });
    const busy = p.stats().busyMs[0]!;
    expect(busy).toBeGreaterThanOrEqual(80);
    await until(() => p.stats().running === 0, 3000, 'the idle worker to stop');
    expect(p.stats().busyMs[0]).toBe(busy);
  });

  it('shuts down cleanly before any worker started and while one is being stopped', async () => {
    const never = makePool(2, 100);
    await never.shutdown();
    expect(never.stats().running).toBe(0);
    const p = makePool(1, 50);
    await run(p, { op: 'echo' });
    await until(() => p.stats().running === 0, 3000, 'the idle worker to stop');
    await p.shutdown();
    pool = undefined;
    expect(warnings()).toEqual([]);
  });
});
