import { Columns } from './page-columns.js';
import { SeriesChains } from './series-chains.js';

/** Page times are whole seconds in a u32; these stand for "earlier than representable" and "later". */
export const MAX_U32 = 0xffffffff;
/** Extent states: failed a check on read (counted once, then skipped); its file was dropped. */
export const EXTENT_BAD = 1;
export const EXTENT_DEAD = 2;

const rowColumns = (n: number) => ({ minS: new Uint32Array(n), maxS: new Uint32Array(n), pageOffset: new Uint32Array(n), next: new Uint32Array(n) });
const extentColumns = (n: number) => ({
  file: new Uint32Array(n),
  offset: new Uint32Array(n),
  length: new Uint32Array(n),
  rawLength: new Uint32Array(n),
  firstRow: new Uint32Array(n),
  state: new Uint8Array(n),
});

/**
 * The storage of the page index (page-index.ts): rows (pages) in append order, extents in
 * append order (each owning the rows from its `firstRow` to the next extent's), per-series
 * chains. Rows and extents below the bases belong to dropped files and wait for compaction.
 */
export interface PageIndexState {
  readonly rows: Columns<ReturnType<typeof rowColumns>>;
  readonly extents: Columns<ReturnType<typeof extentColumns>>;
  readonly series: SeriesChains;
  rowBase: number;
  extentBase: number;
  rowCount: number;
  extentCount: number;
}

export function newPageIndexState(rowCapacity: number): PageIndexState {
  return { rows: new Columns(rowColumns, rowCapacity), extents: new Columns(extentColumns, 1024), series: new SeriesChains(), rowBase: 0, extentBase: 0, rowCount: 0, extentCount: 0 };
}
