import type { PendingPart } from './pending-pages.js';

/** Pending parts of one series that become one page of a tier. */
export interface TierGroup {
  readonly ref: number;
  readonly parts: PendingPart[];
  /** Wall-clock ms the series' oldest pending part arrived (kept when the group is put back). */
  readonly since: number;
  /** Whether its rows go on to the next tier: false when that tier already covers them (a rebuilt lower tier). */
  readonly forward: boolean;
}

/**
 * Cuts a series' pending parts, oldest first, into groups of at most `pageRows` rows (a part
 * bigger than that is a group of its own), so a page never passes the encoder's row limit. A
 * group never straddles `nextCovered`, the newest raw sample time the next tier already covers:
 * groups up to it are written here without being handed on, so a tier rebuilt beneath an intact
 * coarser one does not count those samples twice there.
 */
export function cutGroups(ref: number, parts: readonly PendingPart[], since: number, pageRows: number, nextCovered: number): TierGroup[] {
  const out: TierGroup[] = [];
  let group: PendingPart[] = [];
  let rows = 0;
  const close = (): void => {
    if (group.length === 0) return;
    out.push({ ref, parts: group, since, forward: group[group.length - 1]!.maxT > nextCovered });
    group = [];
    rows = 0;
  };
  for (const part of parts) {
    const crosses = group.length > 0 && group[group.length - 1]!.maxT <= nextCovered && part.maxT > nextCovered;
    if (crosses || (group.length > 0 && rows + part.rows > pageRows)) close();
    group.push(part);
    rows += part.rows;
  }
  close();
  return out;
}

/** Consecutive items in runs of at most `maxBytes` (an item bigger than that is a run of its own), order kept. */
export function byExtent<T extends { readonly bytes: Uint8Array }>(items: readonly T[], maxBytes: number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (run.length > 0 && bytes + item.bytes.length > maxBytes) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += item.bytes.length;
  }
  if (run.length > 0) out.push(run);
  return out;
}
