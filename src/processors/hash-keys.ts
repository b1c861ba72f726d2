import { readFileSync } from 'node:fs';
import type { ProcessorConfig } from '../config/index.js';
import { CairnError, ErrorCodes } from '../errors/index.js';

/** Shortest HMAC key accepted: a short key makes the hashed values guessable. */
const MIN_KEY_BYTES = 16;

/**
 * The HMAC keys of redact rules in hash mode, by rule position, read on the main thread (at
 * start and on reload) and sent to the workers. Throws naming the file that is missing or
 * too short; the key itself is never part of a message.
 */
export function readHashKeys(configs: readonly ProcessorConfig[]): (Uint8Array | undefined)[] {
  return configs.map((c, i) => {
    if (c.type !== 'redact' || c.mode !== 'hash') return undefined;
    let key: Buffer;
    try {
      key = readFileSync(c.hash_key_file);
    } catch (err) {
      throw new CairnError(ErrorCodes.SECRET_FILE, `processors[${i}].redact.hash_key_file: cannot read ${c.hash_key_file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const trimmed = Buffer.from(key.toString('utf8').trim(), 'utf8');
    if (trimmed.length < MIN_KEY_BYTES) throw new CairnError(ErrorCodes.SECRET_FILE, `processors[${i}].redact.hash_key_file: ${c.hash_key_file} holds ${trimmed.length} bytes; the key needs at least ${MIN_KEY_BYTES}`);
    return new Uint8Array(trimmed);
  });
}
