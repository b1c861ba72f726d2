import type { FileNumber } from './file-number.js';
import type { RingFileHandle, RingIo } from './ring-io.js';

interface Slot {
  readonly handle: Promise<RingFileHandle>;
  readers: number;
  retired: boolean;
}

export interface ReadLease {
  readonly handle: RingFileHandle;
  release(): void;
}

/**
 * Read handles of datafiles, opened on demand and kept in LRU order up to a cap: a large ring
 * has thousands of datafiles, too many to keep open, while queries hit a few recent ones.
 * A handle is closed only when no read is using it, so deleting a file never breaks a read
 * in flight (the open handle keeps an unlinked file readable).
 */
export class ReadHandles {
  readonly #io: RingIo;
  readonly #cap: number;
  readonly #slots = new Map<FileNumber, Slot>();
  readonly #closing = new Set<Promise<void>>();

  constructor(io: RingIo, cap: number) {
    this.#io = io;
    this.#cap = Math.max(1, cap);
  }

  async acquire(file: FileNumber, path: string): Promise<ReadLease> {
    let slot = this.#slots.get(file);
    if (slot === undefined) {
      const opened: Slot = { handle: this.#io.open(path, 'read'), readers: 0, retired: false };
      opened.handle.catch(() => {
        if (this.#slots.get(file) === opened) this.#slots.delete(file);
      });
      slot = opened;
    } else {
      this.#slots.delete(file);
    }
    this.#slots.set(file, slot);
    slot.readers++;
    this.#evict();
    const leased = slot;
    try {
      const handle = await leased.handle;
      return { handle, release: () => this.#release(leased) };
    } catch (error) {
      leased.readers--;
      throw error;
    }
  }

  /** The file left the ring: close its handle once the reads using it are done. */
  retire(file: FileNumber): void {
    const slot = this.#slots.get(file);
    if (slot === undefined) return;
    this.#slots.delete(file);
    slot.retired = true;
    if (slot.readers === 0) this.#close(slot);
  }

  async closeAll(): Promise<void> {
    for (const file of [...this.#slots.keys()]) this.retire(file);
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  #release(slot: Slot): void {
    slot.readers--;
    if (slot.readers === 0 && slot.retired) this.#close(slot);
    else this.#evict();
  }

  #evict(): void {
    for (const [file, slot] of this.#slots) {
      if (this.#slots.size <= this.#cap) return;
      if (slot.readers === 0) {
        this.#slots.delete(file);
        this.#close(slot);
      }
    }
  }

  #close(slot: Slot): void {
    const closing = slot.handle.then(
      (h) => h.close(),
      () => undefined,
    ).catch(() => undefined).finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }
}
