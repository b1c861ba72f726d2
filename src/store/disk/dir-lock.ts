import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError, ErrorCodes } from '../../errors/index.js';

/**
 * One agent per store directory: `LOCK` holds the owner's pid. A lock left by a process that
 * no longer exists (killed, crashed) is taken over; one held by a live process refuses start.
 */
export function lockStoreDir(dir: string): () => void {
  const path = join(dir, 'LOCK');
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new CairnError(ErrorCodes.STORE_LOCKED, `${dir} is in use by process ${owner} (remove ${path} if that is wrong)`);
    }
    writeFileSync(path, `${process.pid}\n`);
  }
  return () => rmSync(path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
