// Prometheus' own PromQL test files (promqltest format, v3.14.0), run against cairn's engine
// over a real DiskStore. The files are external test data beside the repository; without them
// the suite says so and skips. Cases cairn does not pass are listed, with the reason, in
// promqltest/skips.ts; a listed case that passes fails the suite, so the list stays true.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueryEngine } from '../../src/query/index.js';
import type { QueryResult, QueryValue } from '../../src/query/index.js';
import { compareAnnotations, compareFailure, compareResult } from './promqltest/check.js';
import { outOfScopeReason } from './promqltest/classify.js';
import { TestStorage, seriesLabels } from './promqltest/loader.js';
import { parsePoints } from './promqltest/points.js';
import type { Command, EvalCommand } from './promqltest/script.js';
import { parseScript } from './promqltest/script.js';
import { SKIPPED } from './promqltest/skips.js';

const CORPUS = join(process.cwd(), '../shared/promql-conformance');
const FILES = [
  'aggregators', 'at_modifier', 'collision', 'duration_expression', 'functions', 'histograms', 'literals',
  'name_label_dropping', 'operators', 'range_queries', 'selectors', 'staleness', 'subquery', 'trig_functions',
  // Experimental features and native histograms: run too, their cases are in the skip list.
  'extended_vectors', 'fill-modifier', 'info', 'limit', 'native_histograms', 'start_timestamps', 'type_and_unit',
];
/** Queries whose value depends on the query's own range cannot be cross-checked as a range query. */
const RANGE_DEPENDENT = /\b(?:start|end|range|step)\s*\(/i;

const present = existsSync(CORPUS);
const failures: string[] = [];

describe.skipIf(!present)('PromQL conformance (Prometheus promqltest v3.14.0)', () => {
  for (const file of FILES) {
    describe(file, () => {
      const path = join(CORPUS, `${file}.test`);
      const commands = existsSync(path) ? parseScript(readFileSync(path, 'utf8')) : [];
      const storage = new TestStorage();
      let applied = 0;
      const advance = async (to: number): Promise<void> => {
        // A load cairn cannot read (experimental syntax) fails the cases after it, not the file.
        while (applied < to) await apply(commands[applied++]!, storage);
      };
      afterAll(() => storage.clear());
      commands.forEach((cmd, index) => {
        if (cmd.kind !== 'eval') return;
        const id = `${file}:${cmd.line}`;
        const skipReason = SKIPPED[id];
        it(`${id} ${cmd.query}${skipReason === undefined ? '' : ` (listed: ${skipReason})`}`, async () => {
          const problem = await advance(index).then(
            () => runEval(cmd, storage),
            (err: unknown) => `cannot load the data: ${err instanceof Error ? err.message : String(err)}`,
          );
          if (problem !== null) failures.push(`${id}\t${outOfScopeReason(file, cmd, storage.nativeSeries) ?? 'TO FIX'}\t${problem.replace(/\s+/g, ' ').slice(0, 300)}\t${cmd.query}`);
          if (skipReason === undefined) expect(problem, `${id}: ${cmd.query}`).toBeNull();
          else expect(problem, `${id} is listed as not passing (${skipReason}) but passes: take it off promqltest/skips.ts`).not.toBeNull();
        });
      });
    });
  }
  afterAll(() => {
    if (process.env.PROMQLTEST_REPORT !== undefined) writeFileSync(process.env.PROMQLTEST_REPORT, failures.join('\n') + '\n');
  });
});

// Only where the files are missing: one skipped case that says why.
if (!present) {
  describe('PromQL conformance', () => {
    it.skip('skipped: ../shared/promql-conformance (Prometheus promqltest files) is not beside this checkout', () => undefined);
  });
}

async function apply(cmd: Command, storage: TestStorage): Promise<void> {
  if (cmd.kind === 'clear') return storage.clear();
  if (cmd.kind !== 'load') return;
  const series = cmd.series.map(([descriptor, text]) => {
    const labels = seriesLabels(descriptor);
    const { points, native } = parsePoints(text);
    if (native) storage.nativeSeries.push(labels);
    // load_with_nhcb also makes each classic histogram a native one under its base name.
    const name = labels.find(([k]) => k === '__name__')?.[1] ?? '';
    if (cmd.withNhcb && /_bucket$/.test(name)) {
      storage.nativeSeries.push(labels.filter(([k]) => k !== 'le').map(([k, v]) => [k, k === '__name__' ? name.replace(/_bucket$/, '') : v]));
    }
    return { labels, points };
  });
  await storage.load(series, cmd.intervalMs);
}

async function runEval(cmd: EvalCommand, storage: TestStorage): Promise<string | null> {
  const engine = createQueryEngine({ querier: storage.querier() });
  const ordered = cmd.expects.some((e) => e.kind === 'ordered');
  let result: QueryResult;
  try {
    result = cmd.instant
      ? await engine.instant({ query: cmd.query, timeMs: cmd.startMs })
      : await engine.range({ query: cmd.query, startMs: cmd.startMs, endMs: cmd.endMs, stepMs: cmd.stepMs });
  } catch (err) {
    return compareFailure(cmd, err instanceof Error ? err.message : String(err));
  }
  if (cmd.expects.some((e) => e.kind === 'fail')) return `expected an error, got ${result.value.kind}`;
  const problem = compareResult(cmd, result.value, ordered) ?? compareAnnotations(cmd, result);
  if (problem !== null || !cmd.instant || ordered || RANGE_DEPENDENT.test(cmd.query)) return problem;
  if (result.value.kind !== 'vector' && result.value.kind !== 'scalar') return null;
  // The upstream runner also evaluates each instant query as a range query around its time.
  const around = await engine.range({ query: cmd.query, startMs: cmd.startMs - 60_000, endMs: cmd.startMs + 60_000, stepMs: 60_000 });
  return sameAsMiddleStep(result.value, around.value, cmd.startMs);
}

function sameAsMiddleStep(instant: QueryValue, range: QueryValue, t: number): string | null {
  if (range.kind !== 'matrix') return `range query gave ${range.kind}`;
  const middle = range.series.flatMap((s) => {
    const i = s.timestamps.indexOf(t);
    return i < 0 ? [] : [`${JSON.stringify(s.labels)}=${s.values[i]}`];
  });
  const single = instant.kind === 'scalar' ? [`[]=${instant.v}`] : instant.kind === 'vector' ? instant.series.map((s) => `${JSON.stringify(s.labels)}=${s.values[0]}`) : [];
  const a = middle.sort().join(' ');
  const b = single.sort().join(' ');
  return a === b ? null : `as a range query the middle step differs: ${a} vs ${b}`;
}
