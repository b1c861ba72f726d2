import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CairnError, ErrorCodes } from '../errors/index.js';

/** What a request's `authorization` value says against the tokens a listener accepts. */
export type AuthVerdict = 'ok' | 'missing' | 'invalid';

/** Where a listener's tokens come from (config lists and files). */
export interface TokenSources {
  readonly bearer_tokens: readonly string[];
  readonly bearer_token_files: readonly string[];
}

const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The tokens one listener accepts, kept only as SHA-256 digests: a presented token is hashed
 * and compared with every digest by `timingSafeEqual` (fixed length, no early exit), so
 * neither the token's length nor how much of it matched shows in the time taken.
 */
export class BearerTokens {
  readonly #digests: readonly Buffer[];

  private constructor(digests: readonly Buffer[]) {
    this.#digests = digests;
  }

  /** Tokens from the config and from files (one per non-empty line); throws naming an unreadable file. */
  static load(sources: TokenSources): BearerTokens {
    const tokens = [...sources.bearer_tokens];
    for (const file of sources.bearer_token_files) tokens.push(...readTokenFile(file));
    return new BearerTokens(tokens.map(digest));
  }

  /** No tokens configured: every request passes. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  get count(): number {
    return this.#digests.length;
  }

  /** Checks an `authorization` header or metadata value. */
  check(authorization: string | readonly string[] | undefined): AuthVerdict {
    if (!this.enabled) return 'ok';
    if (typeof authorization !== 'string') return authorization === undefined || authorization.length === 0 ? 'missing' : 'invalid';
    const m = BEARER.exec(authorization);
    if (m === null) return 'invalid';
    const presented = digest(m[1]!);
    let matched = 0;
    for (const d of this.#digests) matched |= timingSafeEqual(d, presented) ? 1 : 0;
    return matched === 1 ? 'ok' : 'invalid';
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The tokens of a file, one per line (blank lines and `#` comments skipped); throws CAIRN_ERR_SECRET_FILE. */
export function readTokenFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CairnError(ErrorCodes.SECRET_FILE, `cannot read bearer token file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const tokens = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (tokens.length === 0) throw new CairnError(ErrorCodes.SECRET_FILE, `bearer token file ${file} holds no token`);
  return tokens;
}
