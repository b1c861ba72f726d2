import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { parseTombstoneName, ringFileName } from './file-number.js';
import { countEntries } from './journal-scan.js';
import type { RingIo } from './ring-io.js';

/**
 * Before the files are recovered: temporary journals of an interrupted rewrite are removed (the
 * journal they were to replace is still whole), and deletions the ring had started (a
 * tombstone, docs/format/datafile.md "Deleting") are finished. Returns the numbers of those
 * files: they are not recovered, and not a loss.
 */
export async function finishDeletions(io: RingIo, dir: string, names: readonly string[]): Promise<Set<FileNumber>> {
  const finished = new Set<FileNumber>();
  for (const name of names) {
    if (name.endsWith('.cjf.tmp')) await io.unlink(join(dir, name)).catch(() => undefined);
    const dead = parseTombstoneName(name);
    if (dead === null) continue;
    await io.unlink(join(dir, ringFileName(dead, 'datafile'))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await io.unlink(join(dir, name));
    finished.add(dead);
  }
  return finished;
}

/**
 * A journal whose datafile is missing without a deletion under way: the datafile was lost to
 * the disk or a person. Counted (one lost datafile) and logged with the extents the journal
 * listed, then the journal is deleted, so the loss is counted once.
 */
export async function dropOrphanJournals(io: RingIo, dir: string, files: readonly FileNumber[], logger: Logger): Promise<{ datafilesLost: number }> {
  for (const file of files) {
    const path = join(dir, ringFileName(file, 'journal'));
    const extents = await io.readFile(path).then(
      (bytes) => countEntries(bytes, FILE_HEADER_BYTES),
      () => 0,
    );
    logger.warn('store ring: a datafile is missing; its data is lost', { dir, file: join(dir, ringFileName(file, 'datafile')), offset: 0, extents });
    await io.unlink(path);
  }
  return { datafilesLost: files.length };
}
