import type { LabelPairs } from './querier.js';

/**
 * Go compares strings byte by byte, which for UTF-8 is code point order; JS compares UTF-16
 * units, which differs only where a surrogate pair (above U+FFFF) meets U+E000–U+FFFF. Shifting
 * the surrogates above that range gives Go's order without encoding.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number => (unit >= 0xd800 && unit < 0xe000 ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

/** Prometheus' labels.Compare: pairwise by name, then value, then the shorter set first. */
export function compareLabelSets(a: LabelPairs, b: LabelPairs): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    const byName = compareStrings(an, bn);
    if (byName !== 0) return byName;
    const byValue = compareStrings(av, bv);
    if (byValue !== 0) return byValue;
  }
  return a.length - b.length;
}

/** Sorted, duplicates removed, in Go's string order. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}
