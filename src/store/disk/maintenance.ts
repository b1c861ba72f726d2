import { segmentNumber } from '../wal/index.js';
import type { BudgetKeeper } from './budget.js';
import type { Checkpointer } from './checkpoint.js';
import { walNeededFrom } from './wal-retention.js';
import type { PageWriter } from './page-writer.js';
import type { StoreParts } from './parts.js';

/**
 * The periodic work of an open store: cut pages that have been open too long, forget data past
 * `store.max_age`, checkpoint the head when due, delete WAL segments nobody needs any more, keep
 * the budget, sync the index.
 */
export async function maintainStore(parts: StoreParts, pages: PageWriter, budget: BudgetKeeper, checkpoints: Checkpointer): Promise<void> {
  const { config: c, head, ring, wal, index } = parts;
  head.cutOld(parts.now());
  void pages.flush();
  try {
    if (c.max_age > 0) await ring.deleteOlderThan(parts.now() - c.max_age);
    await parts.tiers?.maintain();
    if (checkpoints.due(parts.now())) await checkpoints.write();
    // Appends only reach the OS: pages must be synced before the WAL that holds them goes, and
    // so must index entries only the WAL holds otherwise (a write that failed on a full disk).
    await ring.sync();
    index.sync();
    await wal.deleteSegmentsBefore(segmentNumber(walNeededFrom(parts, checkpoints)));
    parts.segmentPoints.forgetBefore(wal.oldestSegment() - 4096);
    await budget.enforce();
  } catch (err) {
    parts.logger.warn('store maintenance failed', { component: 'store', error: (err as Error).message });
  }
}
