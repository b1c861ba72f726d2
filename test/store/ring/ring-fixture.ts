import { mulberry32 } from '../../support/prng.js';
// Shared set-up of the ring tests: temp dirs, a counting deflate codec, seeded pages, fault injection.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import { silentLogger } from '../../../src/log/index.js';
import { DatafileRing, nodeRingIo } from '../../../src/store/ring/index.js';
import type { OpenStats, PageIndex, PageLocation, PageMeta, PageToAppend, RingFileHandle, RingIo, RingOptions } from '../../../src/store/ring/index.js';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-ring-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** deflateRaw behind a one-byte codec tag, as the real codec output is self-describing; counts calls. */
export class CountingCodec {
  compressCalls = 0;
  decompressCalls = 0;
  readonly compress = async (raw: Uint8Array): Promise<Uint8Array> => {
    this.compressCalls++;
    const body = deflateRawSync(raw, { level: 1 });
    const out = new Uint8Array(body.length + 1);
    out[0] = 1;
    out.set(body, 1);
    return out;
  };
  readonly decompress = (bytes: Uint8Array, rawLength: number): Uint8Array => {
    this.decompressCalls++;
    if (bytes[0] !== 1) throw new Error(`unknown codec ${bytes[0]}`);
    const raw = new Uint8Array(inflateRawSync(bytes.subarray(1)));
    if (raw.length !== rawLength) throw new Error('length mismatch');
    return raw;
  };
}

/** Small, fast, deterministic (mulberry32). */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  next(): number {
    return this.#next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

let clock = 1_700_000_000_000;

/**
 * Pages of 20–300 compressible bytes with increasing time ranges. Most belong to a few hundred
 * series (so chains of several pages form), some to random references anywhere in u32.
 */
export function makePages(rng: Rng, count: number): PageToAppend[] {
  const pages: PageToAppend[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(rng.int(20, 300));
    for (let b = 0; b < bytes.length; b++) bytes[b] = rng.int(0, 15) * (b % 3);
    const minT = clock;
    clock += rng.int(1_000, 60_000);
    const seriesRef = rng.next() < 0.8 ? rng.int(0, 300) : rng.int(0, 0xffffffff);
    pages.push({ meta: { seriesRef, minT, maxT: clock, count: rng.int(1, 1024) }, bytes });
  }
  return pages;
}

export interface Appended {
  readonly meta: PageMeta;
  readonly bytes: Uint8Array;
  readonly location: PageLocation;
}

export function ringOptions(dir: string, codec: CountingCodec, extra: Partial<RingOptions> = {}): RingOptions {
  return { dir, datafileBytes: 64 * 1024, compress: codec.compress, decompress: codec.decompress, logger: silentLogger, ...extra };
}

/** Appends `extents` extents of 1–`maxPages` pages; returns every page with its location, in append order. */
export async function fill(ring: DatafileRing, rng: Rng, extents: number, maxPages = 30): Promise<Appended[]> {
  const appended: Appended[] = [];
  for (let e = 0; e < extents; e++) {
    const pages = makePages(rng, rng.int(1, maxPages));
    const locations = await ring.appendExtent(pages);
    pages.forEach((p, i) => appended.push({ meta: p.meta, bytes: p.bytes, location: locations[i]! }));
  }
  return appended;
}

/** Page times as the index keeps them: whole seconds, rounded outward (0 for "earlier"). */
export const indexedMinT = (t: number): number => (t < 1000 ? 0 : Math.floor(t / 1000) * 1000);
export const indexedMaxT = (t: number): number => (t < 0 ? 0 : Math.ceil(t / 1000) * 1000);

/** What the page index holds, per series, in append order: every page's (rounded) times and location, and the exact newest time. */
export function indexRows(pages: PageIndex): Map<number, { pages: { minT: number; maxT: number; location: PageLocation }[]; maxT: number }> {
  return new Map(pages.refs().map((ref) => [ref, { pages: pages.pagesOf(ref).map((p) => ({ ...p })), maxT: pages.maxT(ref) }]));
}

export function expectPagesEqual(pages: PageIndex, appended: readonly Appended[]): void {
  const expected = new Map<number, { pages: { minT: number; maxT: number; location: PageLocation }[]; maxT: number }>();
  for (const { meta, location } of appended) {
    let e = expected.get(meta.seriesRef);
    if (e === undefined) expected.set(meta.seriesRef, (e = { pages: [], maxT: -Infinity }));
    e.pages.push({ minT: indexedMinT(meta.minT), maxT: indexedMaxT(meta.maxT), location });
    e.maxT = Math.max(e.maxT, meta.maxT);
  }
  const sorted = <T>(m: Map<number, T>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  expect(sorted(indexRows(pages))).toEqual(sorted(expected));
  expect(pages.pageCount).toBe(appended.length);
}

export async function expectAllReadable(ring: DatafileRing, appended: readonly Appended[]): Promise<void> {
  const read = await Promise.all(appended.map((a) => ring.readPage(a.location)));
  // Buffer.equals: vitest's deep equality walks typed arrays element by element, far slower.
  const wrong = read.flatMap((bytes, i) => (Buffer.from(bytes).equals(appended[i]!.bytes) ? [] : [i]));
  expect(wrong).toEqual([]);
}

export function cleanStats(stats: OpenStats): Omit<OpenStats, 'durationMs' | 'datafiles' | 'extents' | 'pages'> {
  const { durationMs: _d, datafiles: _f, extents: _e, pages: _p, ...anomalies } = stats;
  return anomalies;
}

export const NO_ANOMALIES = {
  journalEntriesSkipped: 0,
  journalEntriesRepaired: 0,
  journalTailsTruncated: 0,
  journalsRebuilt: 0,
  extentsRecovered: 0,
  datafileTailsTruncated: 0,
  datafileHeadersRepaired: 0,
  datafilesDropped: 0,
  orphanJournalsDeleted: 0,
  datafilesLost: 0,
  extentsLost: 0,
  deletionsFinished: 0,
};

export type FaultOp = 'write' | 'truncate' | 'datasync' | 'open' | 'unlink' | 'syncDir' | 'rename';

interface Fault {
  readonly op: FaultOp;
  readonly pathEnds: string;
  readonly code: string;
  /** For writes: bytes actually written before the error. */
  readonly partialBytes: number;
  remaining: number;
}

/** nodeRingIo with errors injected into chosen calls (ENOSPC, EIO), optionally after a partial write. */
export class FaultyIo implements RingIo {
  readonly #faults: Fault[] = [];

  failNext(op: FaultOp, pathEnds: string, options: { code?: string; partialBytes?: number; times?: number } = {}): void {
    this.#faults.push({ op, pathEnds, code: options.code ?? 'ENOSPC', partialBytes: options.partialBytes ?? 0, remaining: options.times ?? 1 });
  }

  get pendingFaults(): number {
    return this.#faults.filter((f) => f.remaining > 0).length;
  }

  #take(op: FaultOp, path: string): Fault | null {
    const fault = this.#faults.find((f) => f.remaining > 0 && f.op === op && path.endsWith(f.pathEnds));
    if (fault === undefined) return null;
    fault.remaining--;
    return fault;
  }

  #error(fault: Fault): Error {
    return Object.assign(new Error(`injected ${fault.code}`), { code: fault.code });
  }

  async open(path: string, mode: 'read' | 'update' | 'create'): Promise<RingFileHandle> {
    const fault = this.#take('open', path);
    if (fault) throw this.#error(fault);
    const inner = await nodeRingIo.open(path, mode);
    const take = (op: FaultOp): Fault | null => this.#take(op, path);
    const error = (fault: Fault): Error => this.#error(fault);
    return {
      read: (into, position, length) => inner.read(into, position, length),
      async write(bytes, position) {
        const f = take('write');
        if (f === null) return inner.write(bytes, position);
        if (f.partialBytes > 0) await inner.write(bytes.subarray(0, Math.min(f.partialBytes, bytes.length)), position);
        throw error(f);
      },
      async truncate(length) {
        const f = take('truncate');
        if (f) throw error(f);
        return inner.truncate(length);
      },
      async datasync() {
        const f = take('datasync');
        if (f) throw error(f);
        return inner.datasync();
      },
      size: () => inner.size(),
      close: () => inner.close(),
    };
  }
  readFile(path: string): Promise<Uint8Array> {
    return nodeRingIo.readFile(path);
  }
  fileSize(path: string): Promise<number> {
    return nodeRingIo.fileSize(path);
  }
  list(dir: string): Promise<string[]> {
    return nodeRingIo.list(dir);
  }
  mkdir(dir: string): Promise<void> {
    return nodeRingIo.mkdir(dir);
  }
  async unlink(path: string): Promise<void> {
    const f = this.#take('unlink', path);
    if (f) throw this.#error(f);
    return nodeRingIo.unlink(path);
  }
  async syncDir(dir: string): Promise<void> {
    const f = this.#take('syncDir', dir);
    if (f) throw this.#error(f);
    return nodeRingIo.syncDir(dir);
  }
  async rename(from: string, to: string): Promise<void> {
    const f = this.#take('rename', from);
    if (f) throw this.#error(f);
    return nodeRingIo.rename(from, to);
  }
}

export async function openRing(options: RingOptions): Promise<{ ring: DatafileRing; pages: PageIndex; stats: OpenStats }> {
  return DatafileRing.open(options);
}
