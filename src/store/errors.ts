import { CairnError, ErrorCodes } from '../errors/index.js';

/** The store cannot take data right now (disk full, I/O error); clients should retry. */
export class StoreUnavailableError extends CairnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.STORE_UNAVAILABLE, message, options);
    this.name = 'StoreUnavailableError';
  }
}
