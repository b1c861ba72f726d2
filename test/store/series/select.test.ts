// SeriesIndex.select with Prometheus matcher semantics: =, !=, =~, !~ with fully anchored
// regexes, a matcher that matches "" also matching series without the label, intersections.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabelMatcher } from '../../../src/query/index.js';
import { SeriesIndex } from '../../../src/store/series/index.js';
import { promLabels as labels, tempDir } from '../../support/store-units.js';

const SERIES: Record<string, string>[] = [
  { __name__: 'up', job: 'api', instance: 'a' },
  { __name__: 'up', job: 'api', instance: 'b', env: 'prod' },
  { __name__: 'up', job: 'db', env: 'dev' },
  { __name__: 'http_requests_total', job: 'api', code: '200' },
  { __name__: 'http_requests_total', job: 'api', code: '500', env: 'prod' },
  { __name__: 'node_load1', instance: 'a\nb' },
];
const ALL = [0, 1, 2, 3, 4, 5];

const m = (name: string, type: LabelMatcher['type'], value: string): LabelMatcher => ({ name, type, value });

describe('SeriesIndex.select', () => {
  let index: SeriesIndex;
  beforeEach(() => {
    index = SeriesIndex.open(tempDir());
    SERIES.forEach((s, i) => expect(index.refFor(labels(s))).toBe(i));
  });
  afterEach(() => index.close());

  it.each<[string, LabelMatcher[], number[]]>([
    ['equality', [m('__name__', '=', 'up')], [0, 1, 2]],
    ['!= also matches series without the label', [m('job', '!=', 'api')], [2, 5]],
    ['= on a value', [m('env', '=', 'prod')], [1, 4]],
    ['="" means the label is absent', [m('env', '=', '')], [0, 3, 5]],
    ['!="" means the label is present', [m('env', '!=', '')], [1, 2, 4]],
    ['=~"" matches only series without the label', [m('env', '=~', '')], [0, 3, 5]],
    ['=~".*" matches everything', [m('env', '=~', '.*')], ALL],
    ['=~".+" needs the label', [m('env', '=~', '.+')], [1, 2, 4]],
    ['!~".+" needs it absent', [m('env', '!~', '.+')], [0, 3, 5]],
    ['regex is anchored at both ends', [m('code', '=~', '2')], []],
    ['regex does not match a substring', [m('job', '=~', 'ap')], []],
    ['regex class', [m('code', '=~', '2..')], [3]],
    ['regex alternation spans the whole value', [m('job', '=~', 'api|db')], [0, 1, 2, 3, 4]],
    ['an alternation with an empty branch matches absent labels', [m('job', '=~', 'db|')], [2, 5]],
    ['!~ matches absent labels', [m('code', '!~', '5..')], [0, 1, 2, 3, 5]],
    ['regex is case sensitive', [m('job', '=~', 'API')], []],
    ['. matches a newline (Prometheus compiles (?s))', [m('instance', '=~', 'a.b')], [5]],
    ['intersection of two matchers', [m('job', '=', 'api'), m('env', '=', 'prod')], [1, 4]],
    ['intersection with a negative matcher', [m('__name__', '=', 'up'), m('job', '=', 'api'), m('instance', '!=', 'a')], [1]],
    ['intersection of regexes', [m('job', '=~', 'a.*'), m('code', '=~', '[45]..'), m('env', '=', 'prod')], [4]],
    ['contradictory matchers', [m('job', '=', 'api'), m('job', '=', 'db')], []],
    ['unknown label with a value', [m('nope', '=', 'x')], []],
    ['unknown label empty', [m('nope', '=', '')], ALL],
    ['unknown label present', [m('nope', '!=', '')], []],
    ['only empty-matching matchers', [m('job', '!=', 'x'), m('env', '!~', 'prod')], [0, 2, 3, 5]],
  ])('%s', (_, matchers, expected) => {
    expect(index.select(matchers)).toEqual(expected);
  });

  it('lists label names and values sorted', () => {
    expect(index.labelNames()).toEqual(['__name__', 'code', 'env', 'instance', 'job']);
    expect(index.labelValues('job')).toEqual(['api', 'db']);
    expect(index.labelValues('__name__')).toEqual(['http_requests_total', 'node_load1', 'up']);
    expect(index.labelValues('instance')).toEqual(['a', 'a\nb', 'b']);
    expect(index.labelValues('nope')).toEqual([]);
  });

  // PromQL regexes are RE2; the index compiles them with the same RE2 engine as the query parser.
  it('accepts RE2 syntax the query API accepts: a leading (?i) flag group', () => {
    expect(index.select([m('job', '=~', '(?i)API')])).toEqual([0, 1, 3, 4]);
  });
});

describe('SeriesIndex.select on non-ASCII values', () => {
  it('matches one code point with . as RE2 matches one rune', () => {
    const index = SeriesIndex.open(tempDir());
    index.refFor(labels({ __name__: 'x', emoji: '😀' }));
    index.refFor(labels({ __name__: 'x', emoji: 'é' }));
    expect(index.select([m('emoji', '=~', '.')])).toEqual([0, 1]);
    index.close();
  });
});
