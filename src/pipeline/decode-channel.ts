import type { Batch, SeriesDefinition } from '../model/index.js';
import type { DecodeReply, WorkerPool } from '../workers/index.js';
import { replyViews, SharedRegions } from '../workers/index.js';
import type { Format } from './outcome.js';

/** Regions per worker for bodies and for replies, and their size: a 1,000-point request is ~90 KB, its reply ~50 KB. */
const REGIONS_PER_WORKER = 16;
const REGION_BYTES = 256 * 1024;

/** A decoded request: the worker's counts, and the batch to store (views into shared memory until `release`). */
export type Decoded =
  | { readonly status: 'failed'; readonly reply: Exclude<DecodeReply, { status: 'ok' }> }
  | { readonly status: 'ok'; readonly reply: Extract<DecodeReply, { status: 'ok' }>; readonly batch: Batch; readonly release: () => void };

/**
 * The way to the decode workers and back through shared memory: a body is copied into a region
 * of the chosen worker's request memory and the worker writes its reply into a region of its
 * reply memory; regions are taken and given back here, so steady ingest transfers and allocates
 * no ArrayBuffer per request. A body or reply too large for a region travels as a transferred
 * buffer instead.
 */
export class DecodeChannel {
  readonly #pool: WorkerPool;
  readonly #regions = new Map<number, { requests: SharedRegions; replies: SharedRegions }>();

  constructor(pool: WorkerPool) {
    this.#pool = pool;
  }

  async decode(body: Uint8Array, format: Format, gzip: boolean, maxBytes: number): Promise<Decoded> {
    let requestRegion = -1;
    let replyRegion = -1;
    let regions: { requests: SharedRegions; replies: SharedRegions } | undefined;
    let reply: DecodeReply;
    try {
      reply = await this.#pool.runOn('decode', (w) => {
        regions = this.#regionsOf(w);
        replyRegion = regions.replies.take();
        requestRegion = body.length <= REGION_BYTES ? regions.requests.take() : -1;
        if (requestRegion >= 0) {
          regions.requests.view(requestRegion, body.length).set(body);
          return { request: { format, gzip, maxBytes, region: requestRegion, body: null, offset: 0, length: body.length, replyRegion }, transfer: [] };
        }
        // Copy unless the body owns its whole ArrayBuffer (Buffer#slice would share the pool).
        const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
        return { request: { format, gzip, maxBytes, region: -1, body: owned.buffer as ArrayBuffer, offset: 0, length: owned.byteLength, replyRegion }, transfer: [owned.buffer as ArrayBuffer] };
      });
    } catch (err) {
      regions?.replies.release(replyRegion);
      throw err;
    } finally {
      regions?.requests.release(requestRegion);
    }
    if (reply.status !== 'ok') {
      regions?.replies.release(replyRegion);
      return { status: 'failed', reply };
    }
    const usedRegion = reply.buffer === null;
    if (!usedRegion) regions?.replies.release(replyRegion);
    const views = usedRegion ? replyViews(regions!.replies.buffer, regions!.replies.base(replyRegion), reply.layout) : replyViews(reply.buffer!, 0, reply.layout);
    const batch: Batch = { ...views.columns, definitions: definitionsOf(views.definitions), seriesRefs: views.seriesRefs, frame: views.frame, framePayloadBytes: reply.layout.framePayloadBytes };
    let released = !usedRegion;
    const release = (): void => {
      if (released) return;
      released = true;
      regions!.replies.release(replyRegion);
    };
    return { status: 'ok', reply, batch, release };
  }

  #regionsOf(worker: number): { requests: SharedRegions; replies: SharedRegions } {
    let r = this.#regions.get(worker);
    if (r === undefined) {
      r = { requests: new SharedRegions(REGIONS_PER_WORKER, REGION_BYTES), replies: new SharedRegions(REGIONS_PER_WORKER, REGION_BYTES) };
      this.#regions.set(worker, r);
      this.#pool.initWorker(worker, 'regions', { requests: r.requests.buffer, replies: r.replies.buffer, regionBytes: REGION_BYTES });
    }
    return r;
  }
}

/** The definitions a worker sent, by local series (only for series it found no reference for). */
function definitionsOf(bytes: Uint8Array): Batch['definitions'] {
  const out: Batch['definitions'] = [];
  if (bytes.length === 0) return out;
  // Decoded from a copy: TextDecoder refuses views of shared memory.
  const text = Buffer.from(bytes).toString('utf8');
  for (const [local, def] of JSON.parse(text) as [number, SeriesDefinition][]) out[local] = def;
  return out;
}
