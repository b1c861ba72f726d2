import type { Logger } from '../../log/index.js';
import type { FileNumber } from './file-number.js';
import type { RingIo } from './ring-io.js';

/** What the index needs to know about a page without reading it. Times are ms since epoch. */
export interface PageMeta {
  readonly seriesRef: number;
  readonly minT: number;
  readonly maxT: number;
  /** Points in the page. */
  readonly count: number;
}

/**
 * Where a page lives. `extentOffset`/`extentLength` are bytes of the datafile; `pageOffset`/
 * `pageLength` are bytes of the extent once decompressed (`rawLength` bytes in all).
 */
export interface PageLocation {
  readonly file: FileNumber;
  readonly extentOffset: number;
  readonly extentLength: number;
  readonly rawLength: number;
  readonly pageOffset: number;
  readonly pageLength: number;
}

export interface PageToAppend {
  readonly meta: PageMeta;
  /** The encoded page; copied into the extent, so the caller may reuse it after the call. */
  readonly bytes: Uint8Array;
}

export interface RingOptions {
  /** The ring's own directory, e.g. `<store>/tier0`; created if missing. */
  readonly dir: string;
  /** Target size of a datafile: an extent that would not fit goes to a new file. At most 4 GiB - 1. */
  readonly datafileBytes: number;
  /** Compresses a raw extent (in the worker pool); the output must describe its own codec. */
  readonly compress: (raw: Uint8Array) => Promise<Uint8Array>;
  readonly decompress: (bytes: Uint8Array, rawLength: number) => Promise<Uint8Array> | Uint8Array;
  readonly logger: Logger;
  /** Budget of the LRU of decompressed extents used by reads. Default 16 MiB; 0 disables it. */
  readonly extentCacheBytes?: number;
  /** Written in every file header and checked on open (0 raw, 1 and 2 rollups). Default 0. */
  readonly tier?: number;
  /** File-system access; tests inject faults through it. Default: node:fs. */
  readonly io?: RingIo;
  /** Read handles kept open at once (datafiles of queried pages). Default 64. */
  readonly maxOpenReadHandles?: number;
  /**
   * Called once for each loss found while reading: an extent that fails a check (its pages are
   * then left out of the index, so no later read tries again), or a whole datafile gone from
   * under the ring. Logged by the ring; the caller counts.
   */
  readonly onReadLoss?: (loss: ReadLoss) => void;
}

export interface ReadLoss {
  readonly part: 'extent' | 'datafile';
  readonly file: string;
  readonly offset: number;
  readonly pages: number;
  readonly reason: string;
}

/** One datafile of the ring as `files()` reports it. Empty files have minT +∞ and maxT -∞. */
export interface RingFileInfo {
  readonly file: FileNumber;
  readonly bytes: number;
  readonly journalBytes: number;
  readonly minT: number;
  readonly maxT: number;
}

/** What `DatafileRing.open` found and repaired. Every anomaly is counted here and logged once per file. */
export interface OpenStats {
  readonly datafiles: number;
  readonly extents: number;
  readonly pages: number;
  /** Journal entries that failed their CRC or described no extent inside the datafile; dropped from the journal. */
  readonly journalEntriesSkipped: number;
  /** Of those, entries whose extent was found again in the datafile and journaled anew: nothing lost. */
  readonly journalEntriesRepaired: number;
  /** Journals whose torn (incomplete or unverifiable) last entry was cut off. */
  readonly journalTailsTruncated: number;
  /** Journals missing, unreadable or with a bad header, rebuilt by scanning their datafile. */
  readonly journalsRebuilt: number;
  /**
   * Extents found by scanning a datafile and journaled again: those after the journal's last
   * entry (crash between the two writes, torn journal), or all of them when the journal was rebuilt.
   */
  readonly extentsRecovered: number;
  /** Datafiles whose unverifiable tail (torn extent) was cut off. */
  readonly datafileTailsTruncated: number;
  /** Datafiles whose damaged header was written again (their extents carry their own CRCs). */
  readonly datafileHeadersRepaired: number;
  /** Datafiles deleted because they were too short to hold an extent (with their journals). */
  readonly datafilesDropped: number;
  /** Journals without a datafile, deleted. */
  readonly orphanJournalsDeleted: number;
  /**
   * Datafiles whose whole content is gone: found missing (their journal left behind) without
   * the ring deleting them, or cut to less than a header while their journal lists extents.
   * Logged with the file and the extents the journal listed.
   */
  readonly datafilesLost: number;
  /**
   * Extents whose pages are gone, in datafiles that are still there: damaged extents (found by
   * a datafile scan, counted once: the journal no longer lists them, unreadable tails are cut)
   * and extents past the end of an older datafile that lost its tail. Each is logged with file
   * and offset.
   */
  readonly extentsLost: number;
  /** Deletions a crash interrupted, finished on open. */
  readonly deletionsFinished: number;
  readonly durationMs: number;
}
