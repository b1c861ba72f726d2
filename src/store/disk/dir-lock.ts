import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { STORE_FILE_MODE } from '../file-modes.js';
import { lockHolders } from './lock-holders.js';

/**
 * One agent per store directory. `LOCK` holds the owner's pid, and the owner keeps it open
 * until it stops: a LOCK that no process holds open is stale (its owner was killed, or the
 * machine rebooted) and is taken over, whatever process now carries the pid written in it.
 * Without /proc (not Linux) the pid alone decides, as before.
 */
export function lockStoreDir(dir: string, logger: Logger): () => void {
  const path = join(dir, 'LOCK');
  let fd: number;
  try {
    fd = openSync(path, 'wx+', STORE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(path, err);
    fd = takeOver(path, logger);
  }
  writeOwner(fd, path, logger);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(path, { force: true });
    closeSync(fd);
  };
}

function takeOver(path: string, logger: Logger): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw lockError(path, err);
  }
  const written = /^\d+$/.test(text) ? Number(text) : null;
  const owner = liveOwner(path, written);
  if (owner !== null) {
    throw new CairnError(
      ErrorCodes.STORE_LOCKED,
      `${join(path, '..')} is in use by process ${owner} (it holds ${path} open); stop that agent, or point this one at another store.path`,
    );
  }
  logger.warn('store: took over a stale LOCK', { component: 'store', file: path, writtenPid: written ?? text.slice(0, 40) });
  try {
    return openSync(path, 'r+');
  } catch (err) {
    throw lockError(path, err);
  }
}

/** The pid of a live agent holding the lock, or null when the lock is stale. */
function liveOwner(path: string, written: number | null): number | null {
  // Every process, not just the written pid: an owner that could not write its pid on a full
  // disk leaves an empty LOCK. Only done when a LOCK is found, i.e. after a crash or beside a
  // running agent.
  const held = lockHolders(path);
  if (held.supported) return held.pids[0] ?? null;
  return written !== null && written !== process.pid && alive(written) ? written : null;
}

/** Best effort: a full disk cannot take even these few bytes, and the open descriptor is the lock. */
function writeOwner(fd: number, path: string, logger: Logger): void {
  const text = Buffer.from(`${process.pid}\n`);
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, text, 0, text.length, 0);
  } catch (err) {
    logger.warn('store: cannot write the pid into LOCK; the lock holds anyway', { component: 'store', file: path, error: (err as Error).message });
  }
}

function lockError(path: string, err: unknown): CairnError {
  return new CairnError(ErrorCodes.STORE_UNAVAILABLE, `cannot take ${path}: ${(err as Error).message}`, { cause: err });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
