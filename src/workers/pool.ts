import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CairnError, ErrorCodes } from '../errors/index.js';
import type { Logger } from '../log/index.js';

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
}

export interface WorkerPoolStats {
  readonly size: number;
  readonly inFlight: number;
  readonly crashes: number;
  /** Per worker, ms spent with at least one request in flight since start. */
  readonly busyMs: readonly number[];
}

export interface WorkerPool {
  /** Sends one message (with `id`) and resolves with the worker's reply carrying the same id. */
  run<Req extends { id: number }, Reply extends { id: number }>(req: Omit<Req, 'id'>, transfer: ArrayBuffer[]): Promise<Reply>;
  stats(): WorkerPoolStats;
  shutdown(): Promise<void>;
}

interface Pending {
  resolve(reply: never): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  alive: boolean;
  pending: Map<number, Pending>;
  busySince: number;
  busyMs: number;
  /** Consecutive crashes, to slow down respawning a worker that dies at start. */
  crashStreak: number;
}

/**
 * A fixed pool of worker threads. Requests go to the slot with the fewest in flight; a worker
 * that dies has its in-flight requests failed with WorkerLostError and is replaced.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const slots: Slot[] = [];
  let nextId = 1;
  let crashes = 0;
  let closing = false;

  const spawn = (index: number, crashStreak: number): void => {
    const worker = new Worker(fileURLToPath(options.script), { workerData: options.workerData });
    const slot: Slot = { worker, alive: true, pending: new Map(), busySince: 0, busyMs: slots[index]?.busyMs ?? 0, crashStreak };
    slots[index] = slot;
    worker.on('message', (reply: { id: number }) => {
      const p = slot.pending.get(reply.id);
      if (p === undefined) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) slot.busyMs += performance.now() - slot.busySince;
      slot.crashStreak = 0;
      p.resolve(reply as never);
    });
    worker.on('error', (err) => options.logger.error('worker failed', { component: 'workers', worker: index, error: err.message }));
    worker.on('exit', (code) => {
      slot.alive = false;
      if (slots[index] !== slot) return;
      const lost = [...slot.pending.values()];
      slot.pending.clear();
      if (!closing) {
        crashes++;
        options.logger.warn('worker exited; replacing it', { component: 'workers', worker: index, code, inFlight: lost.length });
        // Replace at once the first time, so callers retrying below reach a live worker;
        // back off when a worker keeps dying.
        if (slot.crashStreak === 0) spawn(index, 1);
        else setTimeout(() => !closing && spawn(index, slot.crashStreak + 1), Math.min(5000, 50 * 2 ** slot.crashStreak)).unref();
      }
      for (const p of lost) p.reject(new WorkerLostError(`decode worker ${index} exited (code ${code}) with the request in flight`));
    });
  };
  for (let i = 0; i < options.size; i++) spawn(i, 0);

  return {
    run<Req extends { id: number }, Reply extends { id: number }>(req: Omit<Req, 'id'>, transfer: ArrayBuffer[]): Promise<Reply> {
      if (closing) return Promise.reject(new CairnError(ErrorCodes.SHUTTING_DOWN, 'worker pool is shutting down'));
      let best: Slot | undefined;
      for (const s of slots) if (s.alive && (best === undefined || s.pending.size < best.pending.size)) best = s;
      if (best === undefined) return Promise.reject(new WorkerLostError('no decode worker is running (restarting after crashes); retry'));
      const slot = best;
      const id = nextId++;
      return new Promise<Reply>((resolve, reject) => {
        if (slot.pending.size === 0) slot.busySince = performance.now();
        slot.pending.set(id, { resolve: resolve as (r: never) => void, reject });
        try {
          slot.worker.postMessage({ ...req, id }, transfer);
        } catch (err) {
          slot.pending.delete(id);
          reject(err as Error);
        }
      });
    },
    stats(): WorkerPoolStats {
      const now = performance.now();
      return {
        size: slots.length,
        inFlight: slots.reduce((n, s) => n + s.pending.size, 0),
        crashes,
        busyMs: slots.map((s) => s.busyMs + (s.pending.size > 0 ? now - s.busySince : 0)),
      };
    },
    async shutdown(): Promise<void> {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
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
