import type { FileNumber } from './file-number.js';

interface Entry {
  readonly file: FileNumber;
  readonly raw: Uint8Array;
}

/**
 * Decompressed extents, least recently used evicted first, bounded in bytes. Queries read many
 * pages of one extent in a row (pages of neighbouring series are packed together), so one
 * decompression serves them all.
 */
export class ExtentCache {
  readonly #budget: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  static key(file: FileNumber, extentOffset: number): string {
    return `${file}:${extentOffset}`;
  }

  get(key: string): Uint8Array | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.raw;
  }

  set(key: string, file: FileNumber, raw: Uint8Array): void {
    if (raw.length > this.#budget) return;
    this.#remove(key);
    this.#entries.set(key, { file, raw });
    this.#bytes += raw.length;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#remove(oldest);
    }
  }

  dropFile(file: FileNumber): void {
    for (const [key, entry] of this.#entries) if (entry.file === file) this.#remove(key);
  }

  get bytes(): number {
    return this.#bytes;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.raw.length;
  }
}
