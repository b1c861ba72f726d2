import type { RingIo } from './ring-io.js';

/**
 * Two buffers that journals are read into on open, in turn (one is parsed while the next is
 * read). Reading each journal into a fresh buffer left ~30 MiB of freed buffers resident after
 * opening a 1 GiB ring (the allocator keeps them), a quarter of the page index itself.
 */
export class JournalBuffers {
  readonly #io: RingIo;
  readonly #buffers: Uint8Array[];

  constructor(io: RingIo, largestJournal: number) {
    this.#io = io;
    this.#buffers = [new Uint8Array(largestJournal), new Uint8Array(largestJournal)];
  }

  /** The journal at `path` in buffer `slot` (0 or 1), valid until that slot is read into again; rejects like `readFile`. */
  async read(path: string, slot: number): Promise<Uint8Array> {
    const handle = await this.#io.open(path, 'read');
    try {
      const size = await handle.size();
      if (size > this.#buffers[slot]!.length) this.#buffers[slot] = new Uint8Array(size);
      const n = await handle.read(this.#buffers[slot]!, 0, size);
      return this.#buffers[slot]!.subarray(0, n);
    } finally {
      await handle.close();
    }
  }
}
