import type { LabelMatcher, Querier, SeriesSamples } from '../querier.js';

/**
 * Series one at a time when the store can stream them (so a query over many series holds one
 * series' samples at a time), else all at once.
 */
export async function* seriesOf(querier: Querier, matchers: readonly LabelMatcher[], minT: number, maxT: number): AsyncIterable<SeriesSamples> {
  if (querier.selectStream !== undefined) {
    yield* querier.selectStream(matchers, minT, maxT);
    return;
  }
  for (const s of await querier.select(matchers, minT, maxT)) yield s;
}
