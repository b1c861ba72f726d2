import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import type { Logger } from '../../src/log/index.js';
import type { WorkerPool } from '../../src/workers/index.js';
import { createWorkerPool, WorkerLostError } from '../../src/workers/index.js';

const SCRIPT = new URL('../fixtures/workers/echo-worker.mjs', import.meta.url);

interface Req {
  id: number;
  op: 'echo' | 'data' | 'delay' | 'exit' | 'throw';
  value?: unknown;
  ms?: number;
  code?: number;
  buffer?: ArrayBuffer;
}
/** The fixture answers every op with a Reply. */
type TestOps = Record<Req['op'], { request: Omit<Req, 'id'>; reply: Reply }>;
interface Reply {
  id: number;
  threadId: number;
  value?: unknown;
  bytes?: number;
  workerData?: unknown;
}

const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug: (msg, fields) => logged.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
};

let pool: WorkerPool<TestOps> | undefined;
afterEach(async () => {
  await pool?.shutdown();
  pool = undefined;
  logged.length = 0;
});

function makePool(size: number, workerData: unknown = { tag: 'fixture' }): WorkerPool<TestOps> {
  pool = createWorkerPool<TestOps>({ size, script: SCRIPT, workerData, logger });
  return pool;
}

const run = (p: WorkerPool<TestOps>, req: Omit<Req, 'id'>, transfer: ArrayBuffer[] = []): Promise<Reply> => p.run(req.op, req, transfer);

/** Rejects if `promise` has not settled within `ms` (a hang is a failure, not a timeout of the test). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function expectWorkerLost(promise: Promise<unknown>): Promise<void> {
  const err = await within(promise, 5000, 'request on a dying worker').then(
    () => {
      throw new Error('expected the request to reject');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkerLostError);
  expect((err as WorkerLostError).code).toBe(ErrorCodes.WORKER_LOST);
  expect((err as WorkerLostError).code).toBe('CAIRN_ERR_WORKER_LOST');
}

/** The pool gives no signal when a replacement worker is up; give it a moment to start. */
const replacementStarted = (): Promise<void> => new Promise((r) => setTimeout(r, 100));

/** 'lost' for WorkerLostError, the reply value otherwise; fails if nothing happens in time. */
function settles(p: Promise<Reply>, ms: number): Promise<unknown> {
  return within(
    p.then(
      (r) => r.value,
      (e: unknown) => (e instanceof WorkerLostError ? 'lost' : Promise.reject(e)),
    ),
    ms,
    'request sent between a crash and the replacement',
  );
}

describe('createWorkerPool', () => {
  it('answers each request with the reply carrying its id, and passes workerData', async () => {
    const p = makePool(2);
    const replies = await Promise.all([
      run(p, { op: 'delay', ms: 80, value: 'slow' }),
      run(p, { op: 'echo', value: 'fast' }),
      run(p, { op: 'data' }),
    ]);
    expect(replies.map((r) => r.value)).toEqual(['slow', 'fast', undefined]);
    expect(replies[2]!.workerData).toEqual({ tag: 'fixture' });
    expect(p.stats()).toMatchObject({ size: 2, inFlight: 0, crashes: 0 });
  });

  it('transfers listed buffers to the worker', async () => {
    const p = makePool(1);
    const buffer = new ArrayBuffer(1024);
    const reply = await run(p, { op: 'echo', buffer }, [buffer]);
    expect(reply.bytes).toBe(1024);
    expect(buffer.byteLength).toBe(0); // detached: moved, not copied
  });

  it('rejects every in-flight request of a worker that exits with WorkerLostError, then replaces it', async () => {
    const p = makePool(1);
    const doomed = [run(p, { op: 'delay', ms: 2000 }), run(p, { op: 'delay', ms: 2000 }), run(p, { op: 'exit', code: 3 })];
    expect(p.stats().inFlight).toBe(3);
    await Promise.all(doomed.map(expectWorkerLost));
    expect(p.stats()).toMatchObject({ inFlight: 0, crashes: 1, size: 1 });
    expect(logged.some((l) => l.level === 'warn' && l.msg.includes('replacing') && l.fields?.['code'] === 3 && l.fields?.['inFlight'] === 3)).toBe(true);
    await replacementStarted();
    const reply = await within(run(p, { op: 'echo', value: 'after' }), 5000, 'request after the crash');
    expect(reply.value).toBe('after');
  });

  it('treats a worker that throws like one that exits', async () => {
    const p = makePool(1);
    await expectWorkerLost(run(p, { op: 'throw' }));
    expect(p.stats().crashes).toBe(1);
    expect(logged.some((l) => l.level === 'error' && String(l.fields?.['error']).includes('asked to throw'))).toBe(true);
    await replacementStarted();
    const reply = await within(run(p, { op: 'echo', value: 1 }), 5000, 'request after the throw');
    expect(reply.value).toBe(1);
  });

  it('only loses the requests of the worker that died', async () => {
    const p = makePool(2);
    const first = run(p, { op: 'delay', ms: 300, value: 'survivor' });
    const dying = run(p, { op: 'exit' }); // least loaded: the other worker
    await expectWorkerLost(dying);
    expect((await within(first, 5000, 'request on the surviving worker')).value).toBe('survivor');
    expect(p.stats().crashes).toBe(1);
  });

  it('counts repeated crashes and keeps serving', async () => {
    const p = makePool(1);
    for (let i = 1; i <= 3; i++) {
      await expectWorkerLost(run(p, { op: 'exit', code: 10 + i }));
      expect(p.stats().crashes).toBe(i);
      await replacementStarted();
      const reply = await within(run(p, { op: 'echo', value: i }), 5000, `echo after crash ${i}`);
      expect(reply.value).toBe(i);
    }
  });

  // Regression: run() used to pick a dead slot between a worker's exit and its replacement's
  // (timer-delayed) spawn, posting to the dead Worker; the request never settled.
  it('does not strand a request sent right after a worker died (size 1)', async () => {
    const p = makePool(1);
    const exit = run(p, { op: 'exit' });
    // Sent in the turn the crash is noticed, as a retrying caller would.
    const next = exit.catch(() => run(p, { op: 'echo', value: 'next' }));
    await expectWorkerLost(exit);
    expect(await settles(next, 3000)).toMatch(/^(next|lost)$/);
  });

  it('does not route new requests to a dead worker while others are alive (size 2)', async () => {
    const p = makePool(2);
    const busy = run(p, { op: 'delay', ms: 200, value: 'busy' });
    const exit = run(p, { op: 'exit' });
    // The dead slot has no requests left, so "fewest in flight" picks it.
    const next = exit.catch(() => run(p, { op: 'echo', value: 'next' }));
    await expectWorkerLost(exit);
    expect(await settles(next, 3000)).toMatch(/^(next|lost)$/);
    expect((await busy).value).toBe('busy');
  });

  it('spreads concurrent requests across all workers', async () => {
    const p = makePool(3);
    const pending = Array.from({ length: 9 }, (_, i) => run(p, { op: 'delay', ms: 100, value: i }));
    expect(p.stats().inFlight).toBe(9);
    const replies = await Promise.all(pending);
    const perThread = new Map<number, number>();
    for (const r of replies) perThread.set(r.threadId, (perThread.get(r.threadId) ?? 0) + 1);
    expect([...perThread.values()]).toEqual([3, 3, 3]);
    const { busyMs } = p.stats();
    expect(busyMs).toHaveLength(3);
    for (const ms of busyMs) expect(ms).toBeGreaterThanOrEqual(50);
  });

  it('rejects in-flight requests on shutdown and refuses new ones', async () => {
    const p = makePool(2);
    const inFlight = run(p, { op: 'delay', ms: 5000 }).then(() => 'resolved', (e: unknown) => e);
    await p.shutdown();
    pool = undefined;
    expect(await within(inFlight, 3000, 'in-flight request at shutdown')).toBeInstanceOf(WorkerLostError);
    await expect(run(p, { op: 'echo' })).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    expect(p.stats().crashes).toBe(0);
  });
});
