import { encodeFileHeader, FILE_HEADER_BYTES, FORMAT_VERSION } from './file-header.js';
import type { RingFile } from './ring-file.js';
import type { RingFileHandle, RingIo } from './ring-io.js';

/** Cuts the journal at `keep` and appends `entries` in place; returns its new size. The common repair: a torn tail, extents after the last entry. */
export async function appendToJournal(io: RingIo, ring: RingFile, keep: number, entries: readonly Uint8Array[]): Promise<number> {
  const handle = await io.open(ring.journalPath, 'update');
  try {
    await handle.truncate(keep);
    return await writeAll(handle, keep, entries);
  } finally {
    await handle.close();
  }
}

/**
 * Writes the journal anew: `header` (the old one, or null for a new one) and `entries`, in a
 * temporary file renamed over the journal, so a crash leaves the old journal or the new one.
 * Used when entries must go between others (extents of damaged entries found again) or the
 * journal was unusable. Returns its size.
 */
export async function replaceJournal(io: RingIo, ring: RingFile, tier: number, header: Uint8Array | null, entries: readonly Uint8Array[]): Promise<number> {
  const temp = `${ring.journalPath}.tmp`;
  await io.unlink(temp).catch(() => undefined);
  const handle = await io.open(temp, 'create');
  let size: number;
  try {
    const head = header ?? encodeFileHeader({ kind: 'journal', version: FORMAT_VERSION, tier, file: ring.file, createdAtMs: Date.now() });
    await handle.write(head.subarray(0, FILE_HEADER_BYTES), 0);
    size = await writeAll(handle, FILE_HEADER_BYTES, entries);
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await io.unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await io.rename(temp, ring.journalPath);
  return size;
}

async function writeAll(handle: RingFileHandle, at: number, entries: readonly Uint8Array[]): Promise<number> {
  for (const entry of entries) {
    await handle.write(entry, at);
    at += entry.length;
  }
  return at;
}
