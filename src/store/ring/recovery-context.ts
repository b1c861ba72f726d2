import type { Logger } from '../../log/index.js';
import type { PageIndex } from './page-index.js';
import type { RingIo } from './ring-io.js';

/** Counters of OpenStats that recovery adds to. */
export interface RecoveryCounters {
  journalEntriesSkipped: number;
  journalEntriesRepaired: number;
  journalTailsTruncated: number;
  journalsRebuilt: number;
  extentsRecovered: number;
  datafileTailsTruncated: number;
  datafileHeadersRepaired: number;
  datafilesDropped: number;
  /** Datafiles whose whole content is gone (missing, or cut to less than a header): one loss each. */
  datafilesLost: number;
  extentsLost: number;
  /** Extents indexed, from journals and datafile scans. */
  extents: number;
}

export interface RecoveryContext {
  readonly io: RingIo;
  readonly dir: string;
  readonly tier: number;
  readonly logger: Logger;
  readonly counters: RecoveryCounters;
  readonly into: PageIndex;
}
