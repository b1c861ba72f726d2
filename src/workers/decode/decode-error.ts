import { CairnError, ErrorCodes } from '../../errors/index.js';

/** The request is not a valid OTLP payload; receivers answer INVALID_ARGUMENT / 400. */
export class DecodeError extends CairnError {
  constructor(message: string) {
    super(ErrorCodes.DECODE, message);
    this.name = 'DecodeError';
  }
}
