import type { CutPage } from '../head/index.js';
import { encodePagesHere } from '../head/index.js';
import type { StoreParts } from './parts.js';

/** Raw bytes of pages packed into one extent before it is compressed and written. */
const EXTENT_RAW_BYTES = 256 * 1024;

/**
 * Head → ring: takes the pages the head has cut, encodes them (in the worker pool), packs them
 * into extents and appends those to the current datafile. One flush at a time; a flush that
 * fails (disk full) puts its pages back in the head to be retried.
 */
export class PageWriter {
  readonly #parts: StoreParts;
  readonly #makeRoom: (incoming: number) => Promise<void>;
  #flushing: Promise<void> = Promise.resolve();

  constructor(parts: StoreParts, makeRoom: (incoming: number) => Promise<void>) {
    this.#parts = parts;
    this.#makeRoom = makeRoom;
  }

  /** Queues a flush after the one under way; never rejects (failures are logged and retried). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeCutPages()).catch((err: Error) => {
      this.#parts.logger.warn('writing pages failed; will retry', { component: 'store', error: err.message });
    });
    return this.#flushing;
  }

  /** Waits for the flush under way, if any. */
  idle(): Promise<void> {
    return this.#flushing;
  }

  async #writeCutPages(): Promise<void> {
    const { head, index, ring } = this.#parts;
    const cut = head.takeCut();
    const encode = this.#parts.options.encodePages ?? encodePagesHere;
    const tiers = this.#parts.tiers;
    for (let i = 0; i < cut.length; ) {
      // Group by samples: pages encode to ~1 byte per sample, so this makes extents of about
      // EXTENT_RAW_BYTES before compression.
      const group: CutPage[] = [];
      let samples = 0;
      while (i < cut.length && (samples < EXTENT_RAW_BYTES || group.length === 0)) {
        const page = cut[i++]!;
        group.push(page);
        samples += page.count;
      }
      try {
        const encoded = await encode(group);
        const raw = encoded.reduce((n, b) => n + b.length, 0);
        // The series references these pages use must be on disk before the pages are.
        index.sync();
        await this.#makeRoom(raw);
        const pages = group.map((p, k) => ({ meta: { seriesRef: p.ref, minT: p.minT, maxT: p.maxT, count: p.count }, bytes: encoded[k]! }));
        // The ring indexes the pages it appends (ring.pages).
        await ring.appendExtent(pages);
        // Tier 1 keeps the pages themselves until it rolls them up into a page of its own.
        tiers?.acceptRaw(group, encoded);
        head.release(group);
      } catch (err) {
        head.requeue([...group, ...cut.slice(i)]);
        throw err;
      }
    }
  }
}
