// The PromQL subset: selectors into matchers, literals, and the regex dialect.
import { describe, expect, it } from 'vitest';
import { compileMatcherRegex, hasNonEmptyMatcher } from '../../src/query/matchers.js';
import { parseNumberLiteral, unquoteString } from '../../src/query/promql/literals.js';
import { parseQuery, parseSelector } from '../../src/query/promql/parse.js';
import { formatExpr } from '../../src/query/promql/format.js';

describe('selectors', () => {
  it('turns a metric name and matchers into label matchers', () => {
    expect(parseQuery('http_requests_total{job="api", code=~"5..", method!="GET", path!~"/internal/.*"}').expr).toEqual({
      kind: 'vectorSelector',
      name: 'http_requests_total',
      offset: null,
      at: null,
      matchers: [
        { name: '__name__', type: '=', value: 'http_requests_total' },
        { name: 'job', type: '=', value: 'api' },
        { name: 'code', type: '=~', value: '5..' },
        { name: 'method', type: '!=', value: 'GET' },
        { name: 'path', type: '!~', value: '/internal/.*' },
      ],
    });
  });

  it('reads {__name__…}, quoted names and quoted label names', () => {
    expect(parseSelector('{__name__=~"x.*"}')).toEqual([{ name: '__name__', type: '=~', value: 'x.*' }]);
    expect(parseSelector('{"my.metric", "my.label"="v"}')).toEqual([
      { name: '__name__', type: '=', value: 'my.metric' },
      { name: 'my.label', type: '=', value: 'v' },
    ]);
    expect(parseSelector('ns:metric:rate5m')).toEqual([{ name: '__name__', type: '=', value: 'ns:metric:rate5m' }]);
    expect(parseSelector('(up)')).toEqual([{ name: '__name__', type: '=', value: 'up' }]);
  });

  it('unquotes all three string forms', () => {
    expect(parseSelector(`up{a='x\\'y', b="\\u00e9\\x41\\101\\n", c=\`raw\\n\`}`)).toEqual([
      { name: '__name__', type: '=', value: 'up' },
      { name: 'a', type: '=', value: "x'y" },
      { name: 'b', type: '=', value: 'éAA\n' },
      { name: 'c', type: '=', value: 'raw\\n' },
    ]);
  });

  it('points at the problem in multi-line queries', () => {
    expect(() => parseQuery('up{\n  job="a",\n  !\n}')).toThrow(/^3:3: parse error: unexpected "!/);
  });
});

describe('literals', () => {
  it('decodes Go escapes, with \\x and octal as UTF-8 bytes', () => {
    expect(unquoteString('"\\xc3\\xa9"')).toBe('é');
    expect(unquoteString('"\\U0001F600"')).toBe('\u{1F600}');
    expect(() => unquoteString('"\\\'"')).toThrow(/invalid escape/);
    expect(() => unquoteString('"\\x4"')).toThrow(/invalid escape/);
    expect(() => unquoteString('"\\uD800"')).toThrow(/invalid Unicode/);
  });

  it('reads numbers in every PromQL spelling', () => {
    expect(parseNumberLiteral('- 1.5e3')).toBe(-1500);
    expect(parseNumberLiteral('.5')).toBe(0.5);
    expect(parseNumberLiteral('0xFF')).toBe(255);
    expect(parseNumberLiteral('+inf')).toBe(Infinity);
    expect(parseNumberLiteral('1h30m')).toBe(5400);
    expect(parseNumberLiteral('10')).toBe(10);
  });
});

describe('regex matchers (RE2 semantics, fully anchored)', () => {
  const m = (re: string, value: string) => compileMatcherRegex(re).test(value);

  it('anchors at both ends and lets . match newlines', () => {
    expect(m('a', 'a')).toBe(true);
    expect(m('a', 'ba')).toBe(false);
    expect(m('a|b', 'b')).toBe(true);
    expect(m('a.*', 'a\nb')).toBe(true);
    expect(m('.', '\u{1F600}')).toBe(true); // one rune
  });

  it('understands the RE2 spellings people use', () => {
    expect(m('(?i)GET', 'get')).toBe(true);
    expect(m('[[:digit:]]+', '123')).toBe(true);
    expect(m('\\-\\:\\_x', '-:_x')).toBe(true);
    expect(m('a{', 'a{')).toBe(true);
    expect(m('a{2}', 'aa')).toBe(true);
    expect(m('[]a]+', ']a')).toBe(true);
    expect(m('\\pL+', 'héllo')).toBe(true);
    expect(m('\\p{Greek}+', 'αβ')).toBe(true);
    expect(m('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(m('\\Qa.b\\E', 'axb')).toBe(false);
    expect(m('(?P<x>a)b', 'ab')).toBe(true);
    expect(m('\\x{41}\\x42', 'AB')).toBe(true);
  });

  it('takes flag groups anywhere, as RE2 does', () => {
    expect(m('a(?i)b', 'aB')).toBe(true);
    expect(m('.*(?i:TION)', 'producTION')).toBe(true);
    expect(m('(?U)a+', 'aaa')).toBe(true);
  });

  it('refuses what RE2 refuses', () => {
    for (const bad of ['(', 'a(?=b)', '(a)\\1', '[[:nope:]]', '\\', '[a']) {
      expect(() => compileMatcherRegex(bad), bad).toThrow(/error parsing regexp/);
    }
  });

  it('knows which matchers match the empty string', () => {
    expect(hasNonEmptyMatcher([{ name: 'a', type: '=~', value: '.+' }])).toBe(true);
    expect(hasNonEmptyMatcher([{ name: 'a', type: '=~', value: 'x|' }])).toBe(false);
    expect(hasNonEmptyMatcher([{ name: 'a', type: '!=', value: '' }])).toBe(true);
    expect(hasNonEmptyMatcher([{ name: 'a', type: '!~', value: 'x' }])).toBe(false);
  });
});

describe('what Prometheus accepts and the grammar package did not (issue 10, item 7)', () => {
  it('reads numbers with a trailing dot', () => {
    expect(parseQuery('2.').expr).toEqual({ kind: 'number', value: 2 });
    expect(formatExpr(parseQuery('1./6.').expr)).toBe('1 / 6');
    expect(formatExpr(parseQuery('histogram_quantile(5./6., x)').expr)).toBe('histogram_quantile(5 / 6, x)');
    expect(parseQuery('2.e3').expr).toEqual({ kind: 'number', value: 2000 });
    expect(parseQuery('x{a="2."}').expr).toMatchObject({ matchers: [{ name: '__name__', value: 'x' }, { name: 'a', value: '2.' }] });
  });

  it('reads duration functions in any case, and min_of/max_of as scalar functions too', () => {
    expect(formatExpr(parseQuery('x offset STEP()').expr)).toBe('x offset step()');
    expect(formatExpr(parseQuery('rate(x[min_of(step(), 5m)])').expr)).toBe('rate(x[min_of(step(), 5m)])');
    expect(formatExpr(parseQuery('min_of(1, 2)').expr)).toBe('min_of(1, 2)');
  });

  it('says "not supported" for experimental syntax instead of a parse error', () => {
    for (const q of ['x[5m] anchored', 'limitk(1, x)', 'x + fill(0) y', 'info(x)', 'x >/ 1']) expect(() => parseQuery(q), q).toThrow(/^not supported: the experimental/);
  });

  it('prints keywords as Prometheus does, whatever case they were written in', () => {
    expect(formatExpr(parseQuery('SUM BY (job) (RATE_total)').expr)).toBe('sum by (job) (RATE_total)');
    expect(() => parseQuery('SUM(x[5m])')).toThrow('expected type instant vector in aggregation expression, got range vector');
  });

  it('binds offset, @ and ranges to the operand next to them', () => {
    expect(formatExpr(parseQuery('a + b offset 5m').expr)).toBe('a + b offset 5m');
    expect(parseQuery('a + b offset 5m').expr).toMatchObject({ kind: 'binary', lhs: { offset: null }, rhs: { offset: { kind: 'seconds', value: 300 } } });
    expect(parseQuery('-a @ 100').expr).toMatchObject({ kind: 'unary', expr: { kind: 'vectorSelector', at: { kind: 'time', ms: 100_000 } } });
  });
});
