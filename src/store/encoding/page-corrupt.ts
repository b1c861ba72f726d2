import { CairnError, ErrorCodes } from '../../errors/index.js';

/**
 * The one error a decoder in this folder throws on bad input. The caller (ring/, query/)
 * knows the file and offset and adds them when it reports.
 */
export function pageCorrupt(message: string, cause?: unknown): CairnError {
  return new CairnError(ErrorCodes.PAGE_CORRUPT, message, cause === undefined ? undefined : { cause });
}

/** Decoders funnel every failure through here so a corrupt input can only surface as PAGE_CORRUPT. */
export function asPageCorrupt(what: string, error: unknown): CairnError {
  if (error instanceof CairnError && error.code === ErrorCodes.PAGE_CORRUPT) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return pageCorrupt(`${what}: ${detail}`, error);
}
