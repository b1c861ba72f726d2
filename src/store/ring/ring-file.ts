import { join } from 'node:path';
import type { FileNumber } from './file-number.js';
import { ringFileName } from './file-number.js';
import type { FileWriter } from './file-writer.js';
import type { RingFileInfo } from './types.js';

/** Bookkeeping of one datafile and its journal. Sizes are the logical ends the ring writes at. */
export class RingFile {
  readonly file: FileNumber;
  readonly datafilePath: string;
  readonly journalPath: string;
  bytes: number;
  journalBytes: number;
  minT = Number.POSITIVE_INFINITY;
  maxT = Number.NEGATIVE_INFINITY;
  /** Open only while this is the file being appended to. */
  writer: FileWriter | null = null;
  /** Set once deleted, so a read that was in flight does not cache its extent. */
  deleted = false;
  /** Set while the ring deletes it: a read failing meanwhile is not a loss. */
  deleting = false;
  /** False when open could not repair it (a write failed): appends go to a new file instead. */
  appendable = true;

  constructor(dir: string, file: FileNumber, bytes: number, journalBytes: number) {
    this.file = file;
    this.datafilePath = join(dir, ringFileName(file, 'datafile'));
    this.journalPath = join(dir, ringFileName(file, 'journal'));
    this.bytes = bytes;
    this.journalBytes = journalBytes;
  }

  widenTimes(minT: number, maxT: number): void {
    if (minT < this.minT) this.minT = minT;
    if (maxT > this.maxT) this.maxT = maxT;
  }

  get totalBytes(): number {
    return this.bytes + this.journalBytes;
  }

  info(): RingFileInfo {
    return { file: this.file, bytes: this.bytes, journalBytes: this.journalBytes, minT: this.minT, maxT: this.maxT };
  }
}
