import { segmentNumber } from '../wal/index.js';
import type { BudgetKeeper } from './budget.js';
import type { PageWriter } from './page-writer.js';
import type { StoreParts } from './parts.js';

/**
 * The periodic work of an open store: cut pages that have been open too long, forget data past
 * `store.max_age`, delete WAL segments nobody needs any more (their samples are in synced pages
 * and every cursor has passed them), keep the budget, sync the index.
 */
export async function maintainStore(parts: StoreParts, pages: PageWriter, budget: BudgetKeeper): Promise<void> {
  const { config: c, head, ring, wal, index } = parts;
  head.cutOld(parts.now());
  void pages.flush();
  try {
    if (c.max_age > 0) await ring.deleteOlderThan(parts.now() - c.max_age);
    // Appends only reach the OS: pages must be synced before the WAL that holds them goes, and
    // so must index entries only the WAL holds otherwise (a write that failed on a full disk).
    await ring.sync();
    index.sync();
    const keepFrom = Math.min(head.oldestSegment(), wal.minCursorSegment() ?? Infinity, wal.currentSegment());
    await wal.deleteSegmentsBefore(segmentNumber(keepFrom));
    forgetDeletedSegments(parts);
    await budget.enforce();
    index.sync();
  } catch (err) {
    parts.logger.warn('store maintenance failed', { component: 'store', error: (err as Error).message });
  }
}

/** Point counts of deleted segments are kept a while (tails report gaps with them), then dropped. */
function forgetDeletedSegments(parts: StoreParts): void {
  parts.segmentPoints.forgetBefore(parts.wal.oldestSegment() - 4096);
}
