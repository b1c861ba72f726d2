/**
 * The agent's own counters, gauges and histograms, kept as plain numbers keyed by name and
 * labels so recording costs a Map lookup; exposition (Prometheus text, the self-metrics series)
 * reads them through `collect()`.
 *
 * Forms:
 * - `counter(name)` / `histogram(name)`: kept here, recorded with labels (get-or-create by name).
 * - `gauge(name, read)` / `counterFunc(name, read)`: one unlabelled value read at collection,
 *   for figures another component already keeps (registering the name again replaces it).
 * - `gaugeFamily(name, read)`: labelled gauges read at collection, for figures that exist per
 *   instance of something configured (per exporter and endpoint).
 */
export type Labels = Readonly<Record<string, string>>;

export type Sample = ScalarSample | HistogramSample;

export interface ScalarSample {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labels: Labels;
  readonly value: number;
}

/** One labelled histogram: `value` is the observation count. */
export interface HistogramSample {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly labels: Labels;
  readonly value: number;
  readonly sum: number;
  /** Upper bounds (inclusive), strictly increasing, without +Inf. */
  readonly bounds: readonly number[];
  /** Per bucket, not cumulative; `counts.length === bounds.length + 1`, the last above every bound. */
  readonly counts: readonly number[];
}

export interface Counter {
  add(n: number, labels?: Labels): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

interface Cell {
  readonly labels: Labels;
  value: number;
}

interface HistogramCell {
  readonly labels: Labels;
  count: number;
  sum: number;
  readonly counts: number[];
}

type Family =
  | { readonly kind: 'counter'; readonly help: string; readonly cells: Map<string, Cell> }
  | { readonly kind: 'read'; readonly help: string; readonly type: 'counter' | 'gauge'; readonly read: () => number }
  | { readonly kind: 'readMany'; readonly help: string; readonly type: 'counter' | 'gauge'; readonly read: () => readonly { readonly labels: Labels; readonly value: number }[] }
  | { readonly kind: 'histogram'; readonly help: string; readonly bounds: readonly number[]; readonly cells: Map<string, HistogramCell> };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class Registry {
  readonly #families = new Map<string, Family>();

  counter(name: string, help: string): Counter {
    const family = this.#getOrCreate(name, 'counter', () => ({ kind: 'counter', help, cells: new Map() }));
    return {
      add(n, labels = {}) {
        const key = labelKey(labels);
        const cell = family.cells.get(key);
        if (cell === undefined) family.cells.set(key, { labels, value: n });
        else cell.value += n;
      },
    };
  }

  /** Observations counted in buckets with these (inclusive) upper bounds; +Inf is implied. */
  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    for (let i = 0; i < bounds.length; i++) {
      if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i]! <= bounds[i - 1]!)) throw new RangeError(`histogram ${name}: bounds must be finite and strictly increasing`);
    }
    const own = Object.freeze([...bounds]);
    const family = this.#getOrCreate(name, 'histogram', () => ({ kind: 'histogram', help, bounds: own, cells: new Map() }));
    if (family.bounds.length !== own.length || family.bounds.some((b, i) => b !== own[i])) throw new Error(`histogram ${name} is already registered with other bounds`);
    const last = own.length;
    return {
      observe(value, labels = {}) {
        const key = labelKey(labels);
        let cell = family.cells.get(key);
        if (cell === undefined) {
          cell = { labels, count: 0, sum: 0, counts: new Array<number>(last + 1).fill(0) };
          family.cells.set(key, cell);
        }
        // Few buckets: a linear scan beats a binary search. NaN lands above every bound.
        let i = 0;
        while (i < last && !(value <= own[i]!)) i++;
        cell.counts[i]!++;
        cell.count++;
        cell.sum += value;
      },
    };
  }

  /** A gauge read when collected. */
  gauge(name: string, help: string, read: () => number): void {
    this.#families.set(checkName(name), { kind: 'read', help, type: 'gauge', read });
  }

  /** Labelled gauges read when collected (registering the name again replaces them). */
  gaugeFamily(name: string, help: string, read: () => readonly { readonly labels: Labels; readonly value: number }[]): void {
    this.#families.set(checkName(name), { kind: 'readMany', help, type: 'gauge', read });
  }

  /** Labelled counters kept elsewhere and read when collected (registering the name again replaces them). */
  counterFamily(name: string, help: string, read: () => readonly { readonly labels: Labels; readonly value: number }[]): void {
    this.#families.set(checkName(name), { kind: 'readMany', help, type: 'counter', read });
  }

  /** A counter kept elsewhere and read when collected. */
  counterFunc(name: string, help: string, read: () => number): void {
    this.#families.set(checkName(name), { kind: 'read', help, type: 'counter', read });
  }

  /** The current value of a counter or gauge, or a histogram's count (summed over labels when none are given). */
  value(name: string, labels?: Labels): number {
    const family = this.#families.get(name);
    if (family === undefined) return 0;
    if (family.kind === 'read') return family.read();
    if (family.kind === 'readMany') {
      const cells = family.read();
      const key = labels === undefined ? undefined : labelKey(labels);
      return cells.reduce((sum, c) => (key === undefined || labelKey(c.labels) === key ? sum + c.value : sum), 0);
    }
    const valueOf = (cell: Cell | HistogramCell): number => ('count' in cell ? cell.count : cell.value);
    if (labels !== undefined) {
      const cell = family.cells.get(labelKey(labels));
      return cell === undefined ? 0 : valueOf(cell);
    }
    let sum = 0;
    for (const cell of family.cells.values()) sum += valueOf(cell);
    return sum;
  }

  /** Every sample, grouped by family in registration order. */
  collect(): Sample[] {
    const out: Sample[] = [];
    for (const [name, f] of this.#families) {
      switch (f.kind) {
        case 'read':
          out.push({ name, help: f.help, type: f.type, labels: {}, value: f.read() });
          break;
        case 'readMany':
          for (const cell of f.read()) out.push({ name, help: f.help, type: f.type, labels: cell.labels, value: cell.value });
          break;
        case 'counter':
          for (const cell of f.cells.values()) out.push({ name, help: f.help, type: 'counter', labels: cell.labels, value: cell.value });
          break;
        case 'histogram':
          for (const cell of f.cells.values()) {
            out.push({ name, help: f.help, type: 'histogram', labels: cell.labels, value: cell.count, sum: cell.sum, bounds: f.bounds, counts: cell.counts.slice() });
          }
          break;
      }
    }
    return out;
  }

  #getOrCreate<K extends 'counter' | 'histogram'>(name: string, kind: K, make: () => Extract<Family, { kind: K }>): Extract<Family, { kind: K }> {
    const existing = this.#families.get(name);
    if (existing === undefined) {
      const family = make();
      this.#families.set(checkName(name), family);
      return family;
    }
    if (existing.kind !== kind) throw new Error(`metric ${name} is already registered as another type`);
    return existing as Extract<Family, { kind: K }>;
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`invalid metric name "${name}"`);
  return name;
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  if (keys.length === 1) return `${keys[0]}=${labels[keys[0]!]}`;
  return keys.sort().map((k) => `${k}=${labels[k]}`).join('\u0000');
}
