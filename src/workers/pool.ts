import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CairnError, ErrorCodes } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { WorkerOps } from './messages.js';

/** A worker died with this request in flight; the request may be retried. */
export class WorkerLostError extends CairnError {
  constructor(message: string) {
    super(ErrorCodes.WORKER_LOST, message);
    this.name = 'WorkerLostError';
  }
}

export interface WorkerPoolOptions {
  readonly size: number;
  /** Worker entry module. */
  readonly script: URL;
  readonly workerData?: unknown;
  readonly logger: Logger;
  /** A worker with nothing in flight for this long is stopped; 0 or absent keeps workers once started. */
  readonly idleTimeoutMs?: number;
}

export interface WorkerPoolStats {
  /** Workers the pool may run. */
  readonly size: number;
  /** Workers running now. */
  readonly running: number;
  readonly inFlight: number;
  /** Requests in flight beyond one per running worker: waiting for a worker to get to them. */
  readonly queued: number;
  /** Workers that exited unexpectedly (idle stops are not crashes). */
  readonly crashes: number;
  /** Per worker slot, ms spent with at least one request in flight since the pool was created. */
  readonly busyMs: readonly number[];
}

/** The operations a worker script answers: per op name, what is sent and what comes back. */
export type WorkerOpMap<Ops> = { readonly [K in keyof Ops]: { readonly request: object; readonly reply: object } };

export interface WorkerPool<Ops extends WorkerOpMap<Ops> = WorkerOps> {
  /**
   * Sends one message (`{ ...request, op, id }`, `transfer` moved, not copied) and resolves with
   * the worker's reply carrying the same id.
   */
  run<K extends keyof Ops & string>(op: K, request: Ops[K]['request'], transfer: ArrayBuffer[]): Promise<Ops[K]['reply']>;
  /**
   * Sends a message no worker answers to every running worker, and to each worker started
   * later (the latest message per op is kept for them).
   */
  broadcast<K extends keyof Ops & string>(op: K, request: Ops[K]['request']): void;
  /**
   * Like `run`, with the request built once the pool has chosen the worker (`worker` is its
   * place in the pool, 0 … size-1): for requests that use that worker's own shared memory.
   */
  runOn<K extends keyof Ops & string>(op: K, build: (worker: number) => { readonly request: Ops[K]['request']; readonly transfer: ArrayBuffer[] }): Promise<Ops[K]['reply']>;
  /** Sends a message no worker answers to the worker at place `worker` now and each time it (re)starts. */
  initWorker<K extends keyof Ops & string>(worker: number, op: K, request: Ops[K]['request']): void;
  stats(): WorkerPoolStats;
  shutdown(): Promise<void>;
}

interface Pending {
  resolve(reply: never): void;
  reject(err: Error): void;
}

/** One place in the pool; its worker comes and goes (started on demand, stopped when idle, replaced after a crash). */
interface Slot {
  readonly index: number;
  /** null when stopped, or waiting out the back-off after repeated crashes. */
  worker: Worker | null;
  /** A respawn after a crash is scheduled; the slot is not started on demand meanwhile. */
  respawning: boolean;
  readonly pending: Map<number, Pending>;
  busySince: number;
  busyMs: number;
  /** When the last request in flight was answered. */
  idleSince: number;
  idleTimer: NodeJS.Timeout | null;
  /** Consecutive crashes, to slow down respawning a worker that dies at start. */
  crashStreak: number;
  /** Messages sent to this place's worker each time it starts. */
  readonly init: Map<string, object>;
}

/**
 * A pool of up to `size` worker threads, started lazily: a request goes to the running worker
 * with the fewest in flight, and a stopped one is started only when every running worker is
 * busy (or none runs). With `idleTimeoutMs`, a worker idle that long is terminated (an idle
 * thread costs about 12 MiB of RSS). A worker that dies has its in-flight requests failed with
 * WorkerLostError and is replaced at once, then with back-off if it keeps dying.
 */
export function createWorkerPool<Ops extends WorkerOpMap<Ops> = WorkerOps>(options: WorkerPoolOptions): WorkerPool<Ops> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 0;
  const slots: Slot[] = Array.from({ length: options.size }, (_, index) => ({
    index,
    worker: null,
    respawning: false,
    pending: new Map(),
    busySince: 0,
    busyMs: 0,
    idleSince: 0,
    idleTimer: null,
    crashStreak: 0,
    init: new Map(),
  }));
  /** Workers being stopped for idleness, awaited by shutdown. */
  const stopping = new Set<Promise<number>>();
  let nextId = 1;
  /** The latest broadcast per op, for workers started after it. */
  const broadcasts = new Map<string, object>();
  let crashes = 0;
  let closing = false;

  const closeBusyPeriod = (slot: Slot): void => {
    if (slot.pending.size > 0) slot.busyMs += performance.now() - slot.busySince;
  };

  /** The last request in flight of a running worker was settled. */
  const becameIdle = (slot: Slot): void => {
    const now = performance.now();
    slot.busyMs += now - slot.busySince;
    slot.idleSince = now;
    armIdleTimer(slot, idleTimeoutMs);
  };

  const armIdleTimer = (slot: Slot, delayMs: number): void => {
    if (idleTimeoutMs <= 0 || slot.idleTimer !== null) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (slot.worker === null || slot.pending.size > 0 || closing) return;
      const idleFor = performance.now() - slot.idleSince;
      // Busy again since the timer was set, and idle once more: wait out the rest.
      if (idleFor < idleTimeoutMs) return armIdleTimer(slot, idleTimeoutMs - idleFor);
      stopIdle(slot);
    }, delayMs).unref();
  };

  const stopIdle = (slot: Slot): void => {
    const worker = slot.worker!;
    // Detached first: its exit is then a deliberate stop, not a crash.
    slot.worker = null;
    const done = worker.terminate();
    stopping.add(done);
    void done.finally(() => stopping.delete(done));
    options.logger.debug('idle worker stopped', { component: 'workers', worker: slot.index });
  };

  const clearIdleTimer = (slot: Slot): void => {
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
  };

  const spawn = (slot: Slot): void => {
    slot.respawning = false;
    const worker = new Worker(fileURLToPath(options.script), { workerData: options.workerData });
    slot.worker = worker;
    for (const [op, request] of broadcasts) worker.postMessage({ ...request, op });
    for (const [op, request] of slot.init) worker.postMessage({ ...request, op });
    slot.idleSince = performance.now();
    worker.on('message', (reply: { id: number }) => {
      if (slot.worker !== worker) return;
      const p = slot.pending.get(reply.id);
      if (p === undefined) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) becameIdle(slot);
      slot.crashStreak = 0;
      p.resolve(reply as never);
    });
    worker.on('error', (err) => options.logger.error('worker failed', { component: 'workers', worker: slot.index, error: err.message }));
    worker.on('exit', (code) => {
      // Stopped for idleness (detached before terminate, nothing in flight): not a crash.
      if (slot.worker !== worker) return;
      slot.worker = null;
      clearIdleTimer(slot);
      closeBusyPeriod(slot);
      const lost = [...slot.pending.values()];
      slot.pending.clear();
      if (!closing) {
        crashes++;
        options.logger.warn('worker exited; replacing it', { component: 'workers', worker: slot.index, code, inFlight: lost.length });
        // Replace at once the first time, so callers retrying below reach a live worker;
        // back off when a worker keeps dying.
        const streak = slot.crashStreak;
        slot.crashStreak = streak + 1;
        if (streak === 0) start(slot);
        else {
          slot.respawning = true;
          setTimeout(() => !closing && slot.respawning && start(slot), Math.min(5000, 50 * 2 ** streak)).unref();
        }
      }
      for (const p of lost) p.reject(new WorkerLostError(`decode worker ${slot.index} exited (code ${code}) with the request in flight`));
    });
  };

  /** Starts a slot's worker with nothing in flight yet (a replacement): it may go idle. */
  const start = (slot: Slot): void => {
    spawn(slot);
    armIdleTimer(slot, idleTimeoutMs);
  };

  /** The slot for the next request: see createWorkerPool. Starts a stopped one when needed. */
  const pick = (): Slot | undefined => {
    let best: Slot | undefined;
    let stopped: Slot | undefined;
    for (const s of slots) {
      if (s.worker !== null) {
        if (best === undefined || s.pending.size < best.pending.size) best = s;
      } else if (!s.respawning && stopped === undefined) stopped = s;
    }
    if (stopped !== undefined && (best === undefined || best.pending.size > 0)) {
      spawn(stopped);
      return stopped;
    }
    return best;
  };

  return {
    run<K extends keyof Ops & string>(op: K, request: Ops[K]['request'], transfer: ArrayBuffer[]): Promise<Ops[K]['reply']> {
      return this.runOn(op, () => ({ request, transfer }));
    },
    runOn<K extends keyof Ops & string>(op: K, build: (worker: number) => { readonly request: Ops[K]['request']; readonly transfer: ArrayBuffer[] }): Promise<Ops[K]['reply']> {
      type Reply = Ops[K]['reply'];
      if (closing) return Promise.reject(new CairnError(ErrorCodes.SHUTTING_DOWN, 'worker pool is shutting down'));
      let slot: Slot | undefined;
      try {
        slot = pick();
      } catch (err) {
        return Promise.reject(err as Error);
      }
      if (slot === undefined) return Promise.reject(new WorkerLostError('no decode worker is running (restarting after crashes); retry'));
      const target = slot;
      const worker = slot.worker!;
      const id = nextId++;
      return new Promise<Reply>((resolve, reject) => {
        if (target.pending.size === 0) target.busySince = performance.now();
        target.pending.set(id, { resolve: resolve as (r: never) => void, reject });
        try {
          const { request, transfer } = build(target.index);
          worker.postMessage({ ...request, op, id }, transfer);
        } catch (err) {
          target.pending.delete(id);
          if (target.pending.size === 0) becameIdle(target);
          reject(err as Error);
        }
      });
    },
    initWorker<K extends keyof Ops & string>(worker: number, op: K, request: Ops[K]['request']): void {
      const slot = slots[worker];
      if (slot === undefined) throw new RangeError(`no worker place ${worker} in a pool of ${slots.length}`);
      slot.init.set(op, request);
      slot.worker?.postMessage({ ...request, op });
    },
    broadcast<K extends keyof Ops & string>(op: K, request: Ops[K]['request']): void {
      broadcasts.set(op, request);
      for (const s of slots) s.worker?.postMessage({ ...request, op });
    },
    stats(): WorkerPoolStats {
      const now = performance.now();
      let running = 0;
      let inFlight = 0;
      let queued = 0;
      for (const s of slots) {
        inFlight += s.pending.size;
        if (s.worker === null) continue;
        running++;
        if (s.pending.size > 1) queued += s.pending.size - 1;
      }
      return {
        size: slots.length,
        running,
        inFlight,
        queued,
        crashes,
        busyMs: slots.map((s) => s.busyMs + (s.pending.size > 0 ? now - s.busySince : 0)),
      };
    },
    async shutdown(): Promise<void> {
      closing = true;
      for (const s of slots) clearIdleTimer(s);
      await Promise.all([...slots.flatMap((s) => (s.worker === null ? [] : [s.worker.terminate()])), ...stopping]);
    },
  };
}

/**
 * The built JavaScript of a worker entry next to `from`. Under the test runner the caller is
 * TypeScript in src/, which Node's Worker cannot load, so the compiled twin in dist/ is used.
 */
export function workerScript(name: string, from: string): URL {
  const url = new URL(`./${name}.js`, from);
  if (existsSync(fileURLToPath(url))) return url;
  const compiled = fileURLToPath(url).replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2');
  return new URL(`file://${compiled}`);
}
