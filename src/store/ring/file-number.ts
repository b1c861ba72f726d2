/**
 * The number of a datafile/journal pair. Numbers start at 1, increase by one per new file and
 * are never reused, so a page location can never point into a newer file by mistake.
 * Branded so it cannot be swapped with a byte offset or a series ref by accident.
 */
export type FileNumber = number & { readonly __brand: 'FileNumber' };

export const MAX_FILE_NUMBER = 0xffffffff;

export function toFileNumber(value: number): FileNumber {
  if (!Number.isInteger(value) || value < 1 || value > MAX_FILE_NUMBER) {
    throw new RangeError(`file number must be an integer in [1, ${MAX_FILE_NUMBER}], got ${value}`);
  }
  return value as FileNumber;
}

export type RingFileKind = 'datafile' | 'journal';

const EXTENSION: Record<RingFileKind, string> = { datafile: 'cdf', journal: 'cjf' };
const NAME = /^(\d{8,10})\.(cdf|cjf)$/;

/** `00000001.cdf`: eight digits, wider only past 99,999,999 files. */
export function ringFileName(file: FileNumber, kind: RingFileKind): string {
  return `${String(file).padStart(8, '0')}.${EXTENSION[kind]}`;
}

/** The file number and kind of a ring file name, or null for any other name in the directory. */
export function parseRingFileName(name: string): { file: FileNumber; kind: RingFileKind } | null {
  const match = NAME.exec(name);
  if (match === null) return null;
  const value = Number(match[1]);
  if (value < 1 || value > MAX_FILE_NUMBER || ringFileName(value as FileNumber, 'datafile').slice(0, -4) !== match[1]) {
    return null;
  }
  return { file: value as FileNumber, kind: match[2] === 'cdf' ? 'datafile' : 'journal' };
}

/**
 * `00000001.deleted`: the journal of a datafile being deleted, renamed so that a crash in the
 * middle of the deletion is told apart from a datafile lost to the disk (docs/format/datafile.md,
 * "Deleting").
 */
export function tombstoneName(file: FileNumber): string {
  return `${String(file).padStart(8, '0')}.deleted`;
}

const TOMBSTONE = /^(\d{8,10})\.deleted$/;

export function parseTombstoneName(name: string): FileNumber | null {
  const match = TOMBSTONE.exec(name);
  if (match === null) return null;
  const value = Number(match[1]);
  return value >= 1 && value <= MAX_FILE_NUMBER && tombstoneName(value as FileNumber) === name ? (value as FileNumber) : null;
}
