/**
 * Which source serves which span of one series (docs/tiers.md, "Stitching"). Each source k
 * (0 = raw, 1 and 2 the tiers) holds complete data in (lo, hi]; a tier's bounds are bucket ends.
 * Walking from old to new, each span goes to the usable source nearest the preferred tier (finer
 * before coarser on a tie); a switch happens only on a boundary of every tier involved, so a
 * bucket is never split between two sources: no sample is missed where some source has it, and
 * none is counted twice.
 */
export interface SourceSpan {
  readonly source: number;
  /** Data with time in (from, to] comes from `source`. */
  readonly from: number;
  readonly to: number;
}

export interface Held {
  readonly lo: number;
  readonly hi: number;
  /** Bucket width (0 for raw samples). */
  readonly resolutionMs: number;
}

function rank(source: number, preferred: number): number {
  return Math.abs(source - preferred) * 2 + (source > preferred ? 1 : 0);
}

function aligned(t: number, res: number): boolean {
  return res === 0 || t % res === 0;
}

function alignUp(t: number, res: number): number {
  return res === 0 ? t : Math.ceil(t / res) * res;
}

/** Spans covering (minT, maxT] as far as some source holds them, oldest first. */
export function stitch(held: readonly (Held | null)[], preferred: number, minT: number, maxT: number): SourceSpan[] {
  const spans: SourceSpan[] = [];
  let x = minT;
  let first = true;
  while (x < maxT) {
    let best = -1;
    held.forEach((h, k) => {
      if (h === null || !(h.lo <= x && x < h.hi)) return;
      // After a switch the new source must start on one of its own bucket ends.
      if (!first && !aligned(x, h.resolutionMs)) return;
      if (best < 0 || rank(k, preferred) < rank(best, preferred)) best = k;
    });
    if (best < 0) {
      // Nothing holds x: jump to where the next source starts.
      let next = Infinity;
      for (const h of held) if (h !== null && h.lo > x && h.lo < next) next = h.lo;
      if (next === Infinity) break;
      x = next;
      continue;
    }
    const b = held[best]!;
    let to = Math.min(b.hi, maxT);
    // A better source becoming usable later cuts this span at a boundary of both.
    held.forEach((h, k) => {
      if (h === null || k === best || rank(k, preferred) > rank(best, preferred) || h.lo <= x) return;
      const at = alignUp(alignUp(h.lo, h.resolutionMs), b.resolutionMs);
      if (at > x && at < to && at < h.hi) to = at;
    });
    spans.push({ source: best, from: x, to });
    x = to;
    first = false;
  }
  return spans;
}
