import type { PromLabels } from '../flatten/index.js';
import type { CompiledMatcher } from '../../query/index.js';

/**
 * Label postings: for each label name and value, the series references carrying it, in
 * ascending order (references only grow). Selection starts from the smallest set a
 * non-empty-matching matcher allows and filters candidates by all matchers.
 */
export class Postings {
  readonly #byName = new Map<string, Map<string, number[]>>();
  readonly #labels: (PromLabels | undefined)[] = [];

  add(ref: number, labels: PromLabels): void {
    this.#labels[ref] = labels;
    for (const [name, value] of labels) {
      let values = this.#byName.get(name);
      if (values === undefined) this.#byName.set(name, (values = new Map()));
      let refs = values.get(value);
      if (refs === undefined) values.set(value, (refs = []));
      refs.push(ref);
    }
  }

  labelsOf(ref: number): PromLabels | undefined {
    return this.#labels[ref];
  }

  /** References of series satisfying every matcher. */
  select(matchers: readonly CompiledMatcher[]): number[] {
    let candidates: number[] | undefined;
    for (const m of matchers) {
      if (m.test('')) continue; // matches absent labels too: cannot narrow by postings
      const values = this.#byName.get(m.name);
      if (values === undefined) return [];
      const refs: number[] = [];
      for (const [value, list] of values) if (m.test(value)) refs.push(...list);
      if (candidates === undefined || refs.length < candidates.length) candidates = refs;
    }
    const pool = candidates ?? this.#all();
    const out: number[] = [];
    for (const ref of pool) {
      const labels = this.#labels[ref];
      if (labels !== undefined && matchers.every((m) => m.test(valueOf(labels, m.name)))) out.push(ref);
    }
    return out.sort((a, b) => a - b);
  }

  labelNames(): string[] {
    return [...this.#byName.keys()].sort();
  }

  labelValues(name: string): string[] {
    return [...(this.#byName.get(name)?.keys() ?? [])].sort();
  }

  /** Visits every label name with its values and how many series carry each (for cardinality statistics). */
  forEachValue(visit: (name: string, value: string, series: number) => void): void {
    for (const [name, values] of this.#byName) for (const [value, refs] of values) visit(name, value, refs.length);
  }

  #all(): number[] {
    const out: number[] = [];
    this.#labels.forEach((l, ref) => l !== undefined && out.push(ref));
    return out;
  }
}

function valueOf(labels: PromLabels, name: string): string {
  for (const [k, v] of labels) if (k === name) return v;
  return '';
}
