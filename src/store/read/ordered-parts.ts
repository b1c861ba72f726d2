/** Samples of one page (or of the head) for one series. */
export interface SampleRun {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/**
 * Page runs in time order, each starting after the one before: the page index lists a series'
 * pages in append order, which is time order except where open found an extent again after
 * later ones (a damaged journal entry), and an append whose failure could not be undone may
 * leave the same page twice (docs/format/journal.md). Queries need strictly increasing times.
 */
export function orderedRuns(runs: SampleRun[]): SampleRun[] {
  let sorted = true;
  for (let i = 1; i < runs.length && sorted; i++) sorted = runs[i]!.timestamps[0]! > runs[i - 1]!.timestamps.at(-1)!;
  if (sorted) return runs;
  runs.sort((a, b) => a.timestamps[0]! - b.timestamps[0]!);
  const out: SampleRun[] = [];
  let last = -Infinity;
  for (const run of runs) {
    let from = 0;
    while (from < run.timestamps.length && run.timestamps[from]! <= last) from++;
    if (from === run.timestamps.length) continue;
    out.push(from === 0 ? run : { timestamps: run.timestamps.subarray(from), values: run.values.subarray(from) });
    last = run.timestamps.at(-1)!;
  }
  return out;
}
