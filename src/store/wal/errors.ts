import { CairnError, ErrorCodes } from '../../errors/index.js';

/**
 * Bytes of a WAL segment that are not a valid record. Never thrown by replay or readers:
 * they skip the bytes, count them and report this error as a value, so the file and offset
 * reach logs and callers.
 */
export class WalCorruptError extends CairnError {
  readonly file: string;
  readonly offset: number;
  /** How many bytes were skipped from `offset`. */
  readonly bytes: number;
  readonly reason: string;
  constructor(file: string, offset: number, bytes: number, reason: string) {
    super(ErrorCodes.WAL_CORRUPT, `${file} at offset ${offset}: ${reason} (${bytes} bytes skipped)`);
    this.name = 'WalCorruptError';
    this.file = file;
    this.offset = offset;
    this.bytes = bytes;
    this.reason = reason;
  }
}

/** A cursor file that cannot be decoded; the caller decides where its reader restarts. */
export class CursorCorruptError extends CairnError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, reason: string) {
    super(ErrorCodes.CURSOR_CORRUPT, `${file} at offset ${offset}: ${reason}`);
    this.name = 'CursorCorruptError';
    this.file = file;
    this.offset = offset;
  }
}
