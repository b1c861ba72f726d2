import type { ProcessorConfig } from '../config/index.js';
import type { SeriesParts } from '../model/index.js';
import type { Rule } from './rules.js';
import { applyRule, compileRule } from './rules.js';

/** What the rules made of one series. */
export type Processed =
  | { readonly drop: false; readonly parts: SeriesParts; /** Positions (0-based) of the rules that changed something. */ readonly hits: readonly number[] }
  | { readonly drop: true; /** Position (0-based) of the drop_metrics rule. */ readonly rule: number };

/**
 * The configured attribute rules, compiled, applied in order to a series' decoded parts before
 * its identity is computed: what a rule masks or removes is not in the definition, the WAL,
 * the index or anything the store writes. Runs once per new series in a decode worker.
 */
export class AttributeProcessors {
  readonly #rules: readonly Rule[];

  /** `hashKeys[i]`: the key of rule i (a redact rule in hash mode). */
  constructor(configs: readonly ProcessorConfig[], hashKeys: readonly (Uint8Array | undefined)[] = []) {
    this.#rules = configs.map((c, i) => compileRule(c, i + 1, hashKeys[i]));
  }

  get size(): number {
    return this.#rules.length;
  }

  /** The metrics label of each rule, by position. */
  get labels(): readonly string[] {
    return this.#rules.map((r) => r.label);
  }

  /** One line per rule, as it runs. */
  describe(): string[] {
    return this.#rules.map((r) => `${r.label.padEnd(20)} ${r.description}`);
  }

  process(parts: SeriesParts): Processed {
    let current = parts;
    let hits: number[] | null = null;
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i]!;
      if (rule.drops(current.name)) return { drop: true, rule: i };
      const next = applyRule(rule, current);
      if (next !== null) {
        current = next;
        (hits ??= []).push(i);
      }
    }
    return { drop: false, parts: current, hits: hits ?? NO_HITS };
  }
}

const NO_HITS: readonly number[] = [];
