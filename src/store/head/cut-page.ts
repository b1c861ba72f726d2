import { encodePage } from '../encoding/index.js';
import { decodeChunk } from './chunk-decode.js';
import type { SlabAllocator } from './slab.js';

/** A page's samples as the head's compressed chunk (docs/format/head-chunk.md): what page encoding takes. */
export interface ChunkSource {
  readonly chunk: Uint8Array;
  readonly bits: number;
  readonly count: number;
}

/** Encodes chunks as pages (docs/format/page.md), in the worker pool when the agent runs one. */
export type PageEncoder = (chunks: readonly ChunkSource[]) => Promise<Uint8Array[]>;

/** Encodes on this thread: for stores without a worker pool (tests, tools). */
export const encodePagesHere: PageEncoder = async (chunks) =>
  chunks.map((c) => {
    const timestamps = new Float64Array(c.count);
    const values = new Float64Array(c.count);
    decodeChunk(c.chunk, 0, c.bits, c.count, timestamps, values);
    return encodePage(timestamps, values, c.count);
  });

/**
 * A page taken out of the head, waiting to be encoded and written to a datafile. Its samples
 * stay in the head's chunk region (still queryable) until the store releases it.
 */
export class CutPage implements ChunkSource {
  readonly ref: number;
  readonly count: number;
  readonly minT: number;
  readonly maxT: number;
  /** Oldest WAL segment holding one of its samples. */
  readonly segment: number;
  readonly region: number;
  readonly bits: number;
  readonly #slab: SlabAllocator;
  #decoded: { timestamps: Float64Array; values: Float64Array } | null = null;

  constructor(slab: SlabAllocator, ref: number, chunk: { region: number; bits: number; count: number; minT: number; maxT: number }, segment: number) {
    this.#slab = slab;
    this.ref = ref;
    this.count = chunk.count;
    this.minT = chunk.minT;
    this.maxT = chunk.maxT;
    this.region = chunk.region;
    this.bits = chunk.bits;
    this.segment = segment;
  }

  /** The compressed chunk (docs/format/head-chunk.md): a view, valid until the page is released. */
  get chunk(): Uint8Array {
    return this.#slab.view(this.region, Math.ceil(this.bits / 8));
  }

  get timestamps(): Float64Array {
    return this.#samples().timestamps;
  }

  get values(): Float64Array {
    return this.#samples().values;
  }

  #samples(): { timestamps: Float64Array; values: Float64Array } {
    if (this.#decoded === null) {
      const timestamps = new Float64Array(this.count);
      const values = new Float64Array(this.count);
      decodeChunk(this.#slab.slab(this.region), this.#slab.offset(this.region), this.bits, this.count, timestamps, values);
      this.#decoded = { timestamps, values };
    }
    return this.#decoded;
  }
}
