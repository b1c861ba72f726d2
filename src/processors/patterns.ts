import { isIPv6 } from 'node:net';
import type { RedactPattern } from '../config/index.js';

/** A built-in value pattern: an RE2 expression for candidates and a check that a candidate is the real thing. */
export interface ValuePattern {
  readonly source: string;
  /** False keeps a candidate as it is (a time 12:30:45 is not an IPv6 address, most digit runs are not cards). */
  readonly accept?: (match: string) => boolean;
  /**
   * The expression's first group is context before the candidate, kept as it is (RE2 has no
   * lookbehind: `std::vector` must not read as the address `d::`).
   */
  readonly prefixGroup?: boolean;
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/**
 * The built-in patterns, written for RE2 (no lookaround): candidates are found by a
 * permissive expression and confirmed by a check where a regex alone would mask too much.
 */
export const PATTERNS: Readonly<Record<RedactPattern, ValuePattern>> = {
  email: { source: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}' },
  ipv4: { source: `\\b${OCTET}(?:\\.${OCTET}){3}\\b` },
  ipv6: {
    // The IPv4-suffixed form first: RE2 prefers the earlier alternative, and the plain form
    // would take "192" of ::ffff:192.0.2.1 as a hex group.
    source: `(^|[^0-9A-Za-z_:.%])((?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){1,6}:${OCTET}(?:\\.${OCTET}){3}|(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7})(?:%[0-9A-Za-z]+)?`,
    accept: (m) => isIPv6(m.replace(/%.*$/, '')),
    prefixGroup: true,
  },
  // 13-19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
  credit_card: { source: '\\b[0-9](?:[ -]?[0-9]){12,18}\\b', accept: (m) => luhn(m.replace(/[ -]/g, '')) },
  // An Authorization-style bearer token, or a bare JWT.
  bearer: { source: '(?i:bearer)\\s+[A-Za-z0-9._~+/-]+=*|\\beyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*' },
};

/** The Luhn checksum of a string of digits (card numbers end with a check digit). */
export function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
