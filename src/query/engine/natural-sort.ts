import { compareStrings } from '../label-order.js';

const CHUNK = /(\d+|\D+)/g;

/** Natural order, as sort_by_label uses: runs of digits compare as numbers (`4m5` < `4m600` < `4m1000`). */
export function naturalCompare(a: string, b: string): number {
  const x = a.match(CHUNK) ?? [];
  const y = b.match(CHUNK) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) {
      const byLength = p.replace(/^0+/, '').length - q.replace(/^0+/, '').length;
      if (byLength !== 0) return byLength;
      const byDigits = compareStrings(p.replace(/^0+/, ''), q.replace(/^0+/, ''));
      if (byDigits !== 0) return byDigits;
      continue;
    }
    return compareStrings(p, q);
  }
  return x.length - y.length;
}
