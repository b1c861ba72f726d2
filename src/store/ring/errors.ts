import { CairnError, ErrorCodes } from '../../errors/index.js';
import { StoreUnavailableError } from '../errors.js';
import type { FileNumber } from './file-number.js';

/** An extent that fails its checks on read, or a datafile the ring cannot use. Callers count and skip. */
export class DatafileCorruptError extends CairnError {
  readonly file: FileNumber;
  readonly offset: number;
  constructor(file: FileNumber, offset: number, reason: string, options?: { cause?: unknown }) {
    super(ErrorCodes.DATAFILE_CORRUPT, `datafile ${file} at offset ${offset}: ${reason}`, options);
    this.name = 'DatafileCorruptError';
    this.file = file;
    this.offset = offset;
  }
}

/** Code of `DatafileGoneError`. */
export const DATAFILE_GONE = ErrorCodes.DATAFILE_GONE;

/** The page's datafile was deleted (budget or max age) before the read: skip the page, nothing is wrong. */
export class DatafileGoneError extends CairnError {
  readonly file: FileNumber;
  constructor(file: FileNumber) {
    super(DATAFILE_GONE, `datafile ${file} is no longer in the ring`);
    this.name = 'DatafileGoneError';
    this.file = file;
  }
}

export function shuttingDown(): CairnError {
  return new CairnError(ErrorCodes.SHUTTING_DOWN, 'the datafile ring is closed');
}

/** Disk trouble becomes "retry later"; our own coded errors (SHUTTING_DOWN, DATAFILE_CORRUPT) keep their code. */
export function asUnavailable(error: unknown, message: string): CairnError {
  if (error instanceof CairnError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new StoreUnavailableError(`${message}: ${code ?? String(error)}`, { cause: error });
}
