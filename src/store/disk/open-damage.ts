import type { Logger } from '../../log/index.js';
import type { OpenStats, PageIndex } from '../ring/index.js';
import type { SeriesIndex } from '../series/index.js';
import type { StoreCounters } from './parts.js';

export interface OpenDamage {
  readonly counters: StoreCounters;
  readonly logger: Logger;
  readonly ring: OpenStats;
  readonly index: SeriesIndex;
  readonly pages: PageIndex;
  readonly walCorrupt: number;
}

/**
 * Counts what opening the store found damaged, once (docs/store.md, "Damage"):
 * `cairn_store_corrupt_skipped_total{part}` for what is lost, `cairn_store_repaired_total{part}`
 * for what came back from another copy. The ring and the WAL log their own findings with file
 * and offset; the index's are logged here.
 */
export function reportOpenDamage(d: OpenDamage): void {
  const { counters, logger, ring, index } = d;
  const { series, definitions } = index.stats;
  counters.corrupt.add(d.walCorrupt, { part: 'wal' });
  counters.corrupt.add(ring.extentsLost, { part: 'extent' });
  counters.corrupt.add(ring.datafilesLost, { part: 'datafile' });
  counters.corrupt.add(series.corruptSkipped + definitions.corruptSkipped, { part: 'index' });
  counters.repaired.add(ring.journalEntriesRepaired + ring.journalsRebuilt, { part: 'journal' });
  counters.repaired.add(ring.datafileHeadersRepaired, { part: 'datafile' });
  counters.repaired.add(series.repaired + definitions.repaired, { part: 'index' });
  for (const damage of [...series.damage, ...definitions.damage]) {
    logger.warn(damage.outcome === 'lost' ? 'store: index records lost' : 'store: index file repaired from its copy', { component: 'store', ...damage });
  }
  for (const stats of [series, definitions]) {
    if (stats.writeError !== undefined) logger.warn('store: cannot write an index file yet; retried before the next write', { component: 'store', error: stats.writeError });
  }
  // What the lost index records cost: pages of series no copy of the index names any more stay
  // on disk (a better tool could still attribute them) but cannot be found by label.
  if (series.corruptSkipped === 0) return;
  let orphans = 0;
  for (const ref of d.pages.refs()) if (index.labelsOf(ref) === undefined) orphans++;
  logger.warn('store: pages of series whose index entries are lost cannot be queried', { component: 'store', series: orphans });
}
