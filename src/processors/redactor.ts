import { createHmac } from 'node:crypto';
import RE2 from 're2';
import type { ValuePattern } from './patterns.js';

/** How a match is replaced: by a fixed mask, or by a keyed hash of it. */
export type Replacement = { readonly mode: 'mask'; readonly mask: string } | { readonly mode: 'hash'; readonly key: Uint8Array };

/** Hex digits of the HMAC kept: 64 bits, so distinct values stay distinct series. */
const HASH_HEX = 16;

/**
 * Masks every match of its patterns in a value. In hash mode a match becomes
 * `hmac:<16 hex digits>` of HMAC-SHA256 under the configured key: the same e-mail address is
 * the same label value (and series) every time, and cannot be read back or guessed without
 * the key.
 */
export class Redactor {
  readonly #patterns: readonly { readonly re: RE2; readonly accept?: (m: string) => boolean; readonly prefixGroup?: boolean }[];
  readonly #replace: (match: string) => string;

  constructor(patterns: readonly ValuePattern[], replacement: Replacement) {
    this.#patterns = patterns.map((p) => ({ re: new RE2(p.source, 'gu'), accept: p.accept, prefixGroup: p.prefixGroup }));
    const r = replacement;
    this.#replace = r.mode === 'mask' ? () => r.mask : (m) => `hmac:${createHmac('sha256', r.key).update(m, 'utf8').digest('hex').slice(0, HASH_HEX)}`;
  }

  /** The value with every match replaced (the same string when nothing matched). */
  redact(value: string): string {
    let out = value;
    for (const p of this.#patterns) {
      out = out.replace(p.re, (whole: string, group1: unknown) => {
        const prefix = p.prefixGroup === true && typeof group1 === 'string' ? group1 : '';
        const m = whole.slice(prefix.length);
        return p.accept === undefined || p.accept(m) ? prefix + this.#replace(m) : whole;
      });
    }
    return out;
  }
}
