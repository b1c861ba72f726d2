/**
 * The agent's own counters and gauges, kept as plain numbers keyed by name and labels so
 * incrementing costs a Map lookup; exposition (Prometheus text, the self-metrics series)
 * reads them through `collect()`.
 */
export interface Sample {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Counter {
  add(n: number, labels?: Readonly<Record<string, string>>): void;
}

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Readonly<Record<string, string>>; value: number }>;
  readonly read?: () => number;
}

export class Registry {
  readonly #families = new Map<string, Family>();

  counter(name: string, help: string): Counter {
    const family = this.#family(name, help, 'counter');
    return {
      add(n, labels = {}) {
        const key = labelKey(labels);
        const cell = family.values.get(key);
        if (cell === undefined) family.values.set(key, { labels, value: n });
        else cell.value += n;
      },
    };
  }

  /** A gauge read when collected. */
  gauge(name: string, help: string, read: () => number): void {
    this.#families.set(name, { help, type: 'gauge', values: new Map(), read });
  }

  /** A counter kept elsewhere and read when collected. */
  counterFunc(name: string, help: string, read: () => number): void {
    this.#families.set(name, { help, type: 'counter', values: new Map(), read });
  }

  /** The current value of a counter (summed over labels when none are given). */
  value(name: string, labels?: Readonly<Record<string, string>>): number {
    const family = this.#families.get(name);
    if (family === undefined) return 0;
    if (family.read !== undefined) return family.read();
    if (labels !== undefined) return family.values.get(labelKey(labels))?.value ?? 0;
    let sum = 0;
    for (const cell of family.values.values()) sum += cell.value;
    return sum;
  }

  collect(): Sample[] {
    const out: Sample[] = [];
    for (const [name, f] of this.#families) {
      if (f.read !== undefined) out.push({ name, help: f.help, type: f.type, labels: {}, value: f.read() });
      for (const cell of f.values.values()) out.push({ name, help: f.help, type: f.type, labels: cell.labels, value: cell.value });
    }
    return out;
  }

  #family(name: string, help: string, type: 'counter' | 'gauge'): Family {
    let f = this.#families.get(name);
    if (f === undefined) {
      f = { help, type, values: new Map() };
      this.#families.set(name, f);
    }
    return f;
  }
}

function labelKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return keys.sort().map((k) => `${k}=${labels[k]}`).join(',');
}
