import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { tombstoneName } from './file-number.js';
import type { RingFile } from './ring-file.js';
import type { RingIo } from './ring-io.js';

const ignoreMissing = (error: NodeJS.ErrnoException): void => {
  if (error.code !== 'ENOENT') throw error;
};

/**
 * The file-system half of deleting a datafile (docs/format/datafile.md, "Deleting"): the
 * journal is renamed to a tombstone and the directory synced, then the datafile goes. A crash
 * anywhere after the rename is finished on the next open; a journal found without its datafile
 * and without a tombstone is then a datafile lost behind the ring's back.
 */
export async function unlinkBehindTombstone(io: RingIo, dir: string, victim: RingFile): Promise<void> {
  await io.rename(victim.journalPath, join(dir, tombstoneName(victim.file))).catch(ignoreMissing);
  await io.syncDir(dir);
  await io.unlink(victim.datafilePath).catch(ignoreMissing);
}

/** The last step, once the ring has forgotten the file; left behind, it is finished on the next open. */
export async function removeTombstone(io: RingIo, dir: string, victim: RingFile, logger: Logger): Promise<void> {
  await io.unlink(join(dir, tombstoneName(victim.file))).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') logger.warn('store ring: a deletion left its tombstone behind (finished on next open)', { file: victim.file, error: String(error) });
  });
}
