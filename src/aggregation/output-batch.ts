import type { Batch, SeriesDefinition } from '../model/index.js';
import { BatchBuilder, identify } from '../model/index.js';
import type { OutputPoint } from './emit.js';

const LIMITS = { maxAttributeBytes: 1 << 20, maxAttributes: 1 << 10 };

/**
 * Output points as a batch of OTel gauges that flatten back to exactly their names and labels
 * (docs/aggregation.md): `job` and `instance` as the resource's service.name and
 * service.instance.id, every other label a point attribute, no unit, no scope. Definitions are
 * made once per series and sent while the store does not have them.
 */
export class OutputBatcher {
  readonly #defs = new Map<string, SeriesDefinition>();

  batch(points: readonly OutputPoint[], hasSeries: (hi: number, lo: number) => boolean): Batch {
    const builder = new BatchBuilder();
    const local = new Map<SeriesDefinition, number>();
    const defs: SeriesDefinition[] = [];
    for (const p of points) {
      const def = this.#definition(p);
      let index = local.get(def);
      if (index === undefined) {
        index = builder.addSeries(def.hashHi, def.hashLo);
        local.set(def, index);
        defs.push(def);
      }
      builder.addPoint(index, 0, p.t, p.v, 0);
    }
    const batch = builder.finish();
    batch.definitions = defs.map((d) => (hasSeries(d.hashHi, d.hashLo) ? undefined : d));
    return batch;
  }

  #definition(p: OutputPoint): SeriesDefinition {
    const key = JSON.stringify([p.name, p.labels]);
    const known = this.#defs.get(key);
    if (known !== undefined) return known;
    const resource: [string, string][] = [];
    const attributes: [string, string][] = [];
    for (const [k, v] of p.labels) {
      if (k === 'job') resource.push(['service.name', v]);
      else if (k === 'instance') resource.push(['service.instance.id', v]);
      else attributes.push([k, v]);
    }
    const r = identify({ name: p.name, kind: 'gauge', temporality: 'unspecified', monotonic: false, unit: '', description: 'streaming aggregation output', resource, scopeName: '', scopeVersion: '', attributes }, LIMITS);
    if (!r.ok) throw new Error(`aggregation output ${p.name}: ${r.error}`);
    this.#defs.set(key, r.def);
    return r.def;
  }
}
