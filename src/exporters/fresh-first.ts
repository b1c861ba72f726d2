import type { Store, TailPosition } from '../store/index.js';
import type { ExporterStats } from './exporter-stats.js';
import type { ForwardBatch } from './forward-batch.js';
import type { ReadItem, TailReaderOptions } from './tail-reader.js';
import { TailReader } from './tail-reader.js';

/** Backlog (points) above which `fresh_first` sends live data ahead of it, in requests. */
export const FRESH_FIRST_REQUESTS = 10;

export interface FreshFirstOptions {
  readonly store: Store;
  /** The second reader's cursor: held only while the backlog drains, removed after. */
  readonly liveCursor: string;
  readonly reader: TailReaderOptions;
  readonly stats: ExporterStats;
  /** The backlog's next item (possibly already being read), then the ones after it. */
  readonly first: Promise<ReadItem | null>;
  readonly readBacklog: () => Promise<ReadItem | null>;
  /** Delivers (or counts) a backlog item and commits the exporter's cursor; false on shutdown. */
  readonly handleBacklog: (item: ReadItem) => Promise<boolean>;
  readonly deliverLive: (batch: ForwardBatch) => Promise<boolean>;
  /** True once shutdown began: live delivery stops, the backlog keeps draining. */
  readonly stopping: () => boolean;
  readonly signal: AbortSignal;
}

/**
 * `fresh_first`: a second reader starts at the WAL's end and delivers what arrives from now on,
 * while the exporter's own reader drains the backlog behind it, up to where the second one
 * started. Returns the position after the last live batch the upstream acknowledged (null if
 * none), where the exporter's cursor continues. The upstream sees each series out of order
 * (new points before old ones), so this is for upstreams that accept that.
 *
 * Crash safety: the exporter's cursor only ever moves over delivered backlog, so a crash during
 * the catch-up resends the live data delivered so far (duplicates, never loss).
 */
export async function drainBehindLive(o: FreshFirstOptions): Promise<TailPosition | null> {
  const live = await o.store.openTail(o.liveCursor, { start: 'end' });
  const boundary = live.position;
  const liveReader = new TailReader(live, o.reader, o.stats);
  let liveAcked: TailPosition | null = null;
  let stopLive = false;
  const stop = (): void => void live.close();
  o.signal.addEventListener('abort', stop, { once: true });
  const liveLane = (async () => {
    while (!stopLive && !o.stopping() && !o.signal.aborted) {
      const item = await liveReader.next().catch(() => null);
      // Gaps cannot happen ahead of the exporter's own cursor (its segments are held).
      if (item === null || item.kind === 'gap' || stopLive) return;
      if (!(await o.deliverLive(item.batch))) return;
      if (item.position !== null) liveAcked = item.position;
    }
  })();
  let item = await o.first;
  while (item !== null && !o.signal.aborted) {
    if (!(await o.handleBacklog(item))) break;
    if (item.position !== null && compare(item.position, boundary) >= 0) break;
    item = await o.readBacklog();
  }
  stopLive = true;
  stop();
  await liveLane;
  o.signal.removeEventListener('abort', stop);
  await live.remove().catch(() => undefined);
  return liveAcked;
}

export function compare(a: TailPosition, b: TailPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}
