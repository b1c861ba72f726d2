/** A page being filled for one series. */
interface OpenPage {
  timestamps: Float64Array;
  values: Float64Array;
  count: number;
  /** Wall-clock ms of the first append, for the age-based cut. */
  openedAt: number;
  /** Oldest WAL segment holding one of this page's samples. */
  segment: number;
}

/** A page taken out of the head, waiting to be encoded and written to a datafile. */
export interface CutPage {
  readonly ref: number;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly count: number;
  readonly segment: number;
}

export interface HeadOptions {
  readonly pagePoints: number;
  readonly pageMaxAgeMs: number;
  /** Newest timestamp already in flushed pages for a series (so replay does not duplicate). */
  readonly flushedMaxT: (ref: number) => number;
}

/** `written`: already in a datafile page (a WAL replay after pages were written); not an error. */
export type AppendResult = 'ok' | 'out_of_order' | 'duplicate' | 'written';

/**
 * The in-memory head: one open page per series. A page is cut when it holds `pagePoints`
 * samples, when it has been open longer than `pageMaxAgeMs`, or when a sample would make it
 * span more than `pageMaxAgeMs` of data time; cut pages wait (still queryable) until
 * the store has written them. Samples older than the newest one of their series are refused,
 * as in Prometheus; a repeat of the newest timestamp with the same value is ignored.
 */
export class Head {
  readonly #o: HeadOptions;
  // Dense per-reference state: typed arrays and a pre-filled array keep V8 off dictionary
  // elements, which costs several times more per append (measured).
  #open: (OpenPage | undefined)[] = [];
  #lastT = new Float64Array(0);
  #lastV = new Float64Array(0);
  /** Newest timestamp already in written pages when the series was first seen (replay skips up to it). */
  #floor = new Float64Array(0);
  #cut: CutPage[] = [];
  /** Size of each series' last cut page. */
  readonly #lastCount: number[] = [];
  #samples = 0;

  constructor(options: HeadOptions) {
    this.#o = options;
  }

  /** Samples in open pages. */
  get samples(): number {
    return this.#samples;
  }

  /** Appends flattened samples in order; returns how many were refused, by reason. */
  appendColumns(refs: Uint32Array, times: Float64Array, values: Float64Array, length: number, segment: number, now: number): { outOfOrder: number; duplicate: number } {
    let outOfOrder = 0;
    let duplicate = 0;
    let inline = 0;
    let maxRef = -1;
    for (let i = 0; i < length; i++) if (refs[i]! > maxRef) maxRef = refs[i]!;
    if (maxRef >= this.#lastT.length) this.#growRefs(maxRef + 1);
    const lastT = this.#lastT;
    const open = this.#open;
    const maxSpan = this.#o.pageMaxAgeMs;
    // The common case inline: a newer sample into a page with room. The rest goes through append().
    for (let i = 0; i < length; i++) {
      const ref = refs[i]!;
      const t = times[i]!;
      const page = open[ref];
      if (page !== undefined && t > lastT[ref]! && page.count < page.timestamps.length - 1 && t - page.timestamps[0]! < maxSpan) {
        page.timestamps[page.count] = t;
        page.values[page.count] = values[i]!;
        page.count++;
        lastT[ref] = t;
        this.#lastV[ref] = values[i]!;
        if (segment < page.segment) page.segment = segment;
        inline++;
        continue;
      }
      const r = this.append(ref, t, values[i]!, segment, now);
      if (r === 'out_of_order') outOfOrder++;
      else if (r === 'duplicate') duplicate++;
    }
    this.#samples += inline;
    return { outOfOrder, duplicate };
  }

  append(ref: number, t: number, v: number, segment: number, now: number): AppendResult {
    if (ref >= this.#lastT.length) this.#growRefs(ref + 1);
    let last = this.#lastT[ref]!;
    // NaN marks a series not seen since start: ask the page table what is already written.
    if (Number.isNaN(last)) last = this.#lastT[ref] = this.#floor[ref] = this.#o.flushedMaxT(ref);
    if (t <= this.#floor[ref]!) return 'written';
    if (t < last) return 'out_of_order';
    if (t === last) return Object.is(this.#lastV[ref], v) || (Number.isNaN(v) && Number.isNaN(this.#lastV[ref]!)) ? 'ok' : 'duplicate';
    let page = this.#open[ref];
    // A page also spans at most pageMaxAge of data time, so backfilled or fast-arriving
    // history is cut into pages of the same shape as live data.
    if (page !== undefined && t - page.timestamps[0]! >= this.#o.pageMaxAgeMs) {
      this.#cutPage(ref, page);
      page = undefined;
    }
    if (page === undefined) {
      // Typed-array allocation is the head's main cost: size a new page like the last one
      // of this series, so a steady series allocates once per page.
      const cap = Math.min(Math.max(64, this.#lastCount[ref] ?? 0), this.#o.pagePoints);
      page = this.#open[ref] = { timestamps: new Float64Array(cap), values: new Float64Array(cap), count: 0, openedAt: now, segment };
    } else if (page.count === page.timestamps.length) {
      const cap = Math.min(page.count * 4, this.#o.pagePoints);
      page.timestamps = grow(page.timestamps, cap);
      page.values = grow(page.values, cap);
    }
    page.timestamps[page.count] = t;
    page.values[page.count] = v;
    page.count++;
    this.#samples++;
    if (segment < page.segment) page.segment = segment;
    this.#lastT[ref] = t;
    this.#lastV[ref] = v;
    if (page.count >= this.#o.pagePoints) this.#cutPage(ref, page);
    return 'ok';
  }

  /** Cuts pages open longer than the maximum age (or all of them with `all`). */
  cutOld(now: number, all = false): void {
    const minOpened = now - this.#o.pageMaxAgeMs;
    this.#open.forEach((page, ref) => {
      if (page !== undefined && (all || page.openedAt <= minOpened)) this.#cutPage(ref, page);
    });
  }

  /** Cuts the open pages holding samples from WAL segments before `segment`; returns how many. */
  cutBefore(segment: number): number {
    let n = 0;
    this.#open.forEach((page, ref) => {
      if (page !== undefined && page.segment < segment) {
        this.#cutPage(ref, page);
        n++;
      }
    });
    return n;
  }

  /** Hands over the cut pages; the caller must `release` them once written. */
  takeCut(): CutPage[] {
    const out = this.#cut;
    this.#cut = [];
    this.#pending.push(...out);
    return out;
  }

  /** Pages handed over and not yet written: still served to queries and still pinning the WAL. */
  #pending: CutPage[] = [];

  release(pages: readonly CutPage[]): void {
    const done = new Set(pages);
    this.#pending = this.#pending.filter((p) => !done.has(p));
  }

  /** Puts pages back that could not be written (disk full): they are retried later. */
  requeue(pages: readonly CutPage[]): void {
    this.release(pages);
    // In front: they are older than anything cut while they were being written.
    this.#cut.unshift(...pages);
  }

  /**
   * Samples of `ref` in [minT, maxT] held by the head, oldest first (cut-but-unwritten pages,
   * then the open page). Typed arrays throughout: a NaN pushed into a plain array may lose its
   * payload bits, and the stale marker is a NaN payload.
   */
  read(ref: number, minT: number, maxT: number): { timestamps: Float64Array; values: Float64Array } {
    const parts: { timestamps: Float64Array; values: Float64Array }[] = [];
    const take = (ts: Float64Array, vs: Float64Array, n: number): void => {
      let from = 0;
      while (from < n && ts[from]! < minT) from++;
      let to = from;
      while (to < n && ts[to]! <= maxT) to++;
      if (to > from) parts.push({ timestamps: ts.subarray(from, to), values: vs.subarray(from, to) });
    };
    for (const p of this.#pending) if (p.ref === ref) take(p.timestamps, p.values, p.count);
    for (const p of this.#cut) if (p.ref === ref) take(p.timestamps, p.values, p.count);
    const open = this.#open[ref];
    if (open !== undefined) take(open.timestamps, open.values, open.count);
    return concatSamples(parts);
  }

  /** The oldest WAL segment whose samples are not all in written pages, or Infinity. */
  oldestSegment(): number {
    let oldest = Infinity;
    for (const p of this.#open) if (p !== undefined && p.segment < oldest) oldest = p.segment;
    for (const p of this.#pending) if (p.segment < oldest) oldest = p.segment;
    for (const p of this.#cut) if (p.segment < oldest) oldest = p.segment;
    return oldest;
  }

  /** Whether `ref` has any sample in the head within [minT, maxT]. */
  has(ref: number, minT: number, maxT: number): boolean {
    return this.read(ref, minT, maxT).timestamps.length > 0;
  }

  #growRefs(min: number): void {
    let n = Math.max(1024, this.#lastT.length * 2);
    while (n < min) n *= 2;
    const lastT = new Float64Array(n).fill(NaN);
    lastT.set(this.#lastT);
    const lastV = new Float64Array(n);
    lastV.set(this.#lastV);
    const floor = new Float64Array(n).fill(-Infinity);
    floor.set(this.#floor);
    this.#floor = floor;
    this.#lastT = lastT;
    this.#lastV = lastV;
    const open = new Array<OpenPage | undefined>(n).fill(undefined);
    for (let i = 0; i < this.#open.length; i++) open[i] = this.#open[i];
    this.#open = open;
  }

  #cutPage(ref: number, page: OpenPage): void {
    this.#open[ref] = undefined;
    this.#lastCount[ref] = page.count;
    this.#samples -= page.count;
    this.#cut.push({ ref, timestamps: page.timestamps.subarray(0, page.count), values: page.values.subarray(0, page.count), count: page.count, segment: page.segment });
  }
}

/** Joins sample runs into one pair of typed arrays. */
export function concatSamples(parts: readonly { timestamps: Float64Array; values: Float64Array }[]): { timestamps: Float64Array; values: Float64Array } {
  if (parts.length === 1) return { timestamps: parts[0]!.timestamps.slice(), values: parts[0]!.values.slice() };
  const n = parts.reduce((sum, p) => sum + p.timestamps.length, 0);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    timestamps.set(p.timestamps, at);
    values.set(p.values, at);
    at += p.timestamps.length;
  }
  return { timestamps, values };
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
