// Bad input and failing stores: the error envelope, errorType and HTTP status Prometheus would give.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CairnError, ErrorCodes } from '../../src/errors/index.js';
import type { Params, RunningApi } from './harness.js';
import { expectError, startApi } from './harness.js';

const T = 1_700_000_000_000;
let api: RunningApi;
beforeAll(async () => {
  api = await startApi([{ labels: { __name__: 'up', job: 'a' }, samples: [[T, 1]] }], { now: () => T });
});
afterAll(() => api.close());
afterEach(() => {
  api.querier.failWith = undefined;
  api.querier.delayMs = 0;
  api.setReady(true);
});

const badQuery = async (path: string, params: Params): Promise<string> => expectError(await api.both(path, params), 400, 'bad_data');
const range = { start: String(T / 1000), end: String(T / 1000 + 60), step: '15s' };

describe('bad queries', () => {
  it.each([
    ['', 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    ['   # only a comment', 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    ['up{', 'invalid parameter "query": 1:4: parse error: unexpected end of input'],
    ['up{job="a}', 'parse error: unterminated quoted string'],
    ['up job', 'invalid parameter "query": 1:4: parse error: unexpected "job"'],
    ['up{job="\\q"}', 'parse error: invalid escape sequence \\q'],
    ['rate(up)', 'invalid parameter "query": parse error: expected type range vector in call to function "rate", got instant vector'],
    ['sum(up[5m])', 'parse error: expected type instant vector in aggregation expression, got range vector'],
    ['nope(up)', 'parse error: unknown function with name "nope"'],
    ['round(up, 1, 2)', 'parse error: expected at most 2 argument(s) in call to "round", got 3'],
    ['(up)[5m]', 'parse error: ranges only allowed for vector selectors'],
    ['-up[5m]', 'parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
    ['up + on(job) group_left(job) up', 'parse error: label "job" must not occur in ON and GROUP clause at once'],
    ['up and on(job) group_left up', 'no grouping allowed for "and" operation'],
    ['"a" + 1', 'parse error: binary expression must contain only scalar and instant vector types'],
    ['1 + on(a) 1', 'parse error: vector matching only allowed between instant vectors'],
    ['up > bool', 'parse error: unexpected end of input'],
    ['up + bool up', 'parse error: bool modifier can only be used on comparison operators'],
    ['(up) offset 5m', 'parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['up offset 1m offset 2m', 'parse error: offset may not be set multiple times'],
    ['up[5m] smoothed', 'invalid parameter "query": not supported: the experimental "smoothed" modifier'],
    ['limitk(1, up)', 'not supported: the experimental aggregation "limitk"'],
    ['info(up)', 'not supported: the experimental function "info"'],
    ['up + fill(0) up', 'not supported: the experimental fill modifiers'],
    ['SUM(up[5m])', 'parse error: expected type instant vector in aggregation expression, got range vector'],
    ['1 == 1', 'parse error: comparisons between scalars must use BOOL modifier'],
    ['1 and 1', 'parse error: set operator "and" not allowed in binary scalar expression'],
    ['{a=""}', 'invalid parameter "query": parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*", b!="x"}', 'vector selector must contain at least one non-empty matcher'],
    ['{__name__=~".*"}', 'vector selector must contain at least one non-empty matcher'],
    ['up{job=~"("}', 'parse error: error parsing regexp "(":'],
    ['up{job=~"a(?=b)"}', 'parse error: error parsing regexp "a(?=b)": invalid perl operator: (?='],
    ['foo{__name__="bar"}', 'parse error: metric name must not be set twice: "foo" or "bar"'],
  ])('%s', async (query, message) => {
    expect(await badQuery('/api/v1/query', { query })).toContain(message);
  });

  it('refuses a string for a range query', async () => {
    expect(await badQuery('/api/v1/query_range', { query: '"x"', ...range })).toBe('invalid parameter "query": invalid expression type "string" for range query, must be Scalar or instant Vector');
  });

  it('reports a missing query on query_range too', async () => {
    expect(await badQuery('/api/v1/query_range', range)).toContain('invalid parameter "query"');
  });
});

describe('bad times and steps', () => {
  it.each([
    [{ query: 'up', time: 'yesterday' }, `invalid parameter "time": Invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`],
    [{ query: 'up', time: '2023-02-30T00:00:00Z' }, 'cannot parse "2023-02-30T00:00:00Z" to a valid timestamp'],
    [{ query: 'up', timeout: 'soon' }, 'invalid parameter "timeout": cannot parse "soon" to a valid duration'],
  ])('query %j', async (params, message) => {
    expect(await badQuery('/api/v1/query', params)).toContain(message);
  });

  it.each([
    [{ start: '' }, 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [{ end: 'x' }, 'invalid parameter "end": cannot parse "x" to a valid timestamp'],
    [{ end: String(T / 1000 - 1) }, 'invalid parameter "end": end timestamp must not be before start time'],
    [{ step: '0' }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ step: '-15' }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ step: '' }, 'invalid parameter "step": cannot parse "" to a valid duration'],
    [{ step: '15x' }, 'invalid parameter "step": cannot parse "15x" to a valid duration'],
    [{ end: String(T / 1000 + 11_001) , step: '1' }, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
  ])('query_range %j', async (override, message) => {
    expect(await badQuery('/api/v1/query_range', { query: 'up', ...range, ...override })).toBe(message);
  });
});

describe('bad lookups', () => {
  it.each([
    ['/api/v1/series', {}, 'no match[] parameter provided'],
    ['/api/v1/series', { 'match[]': '{a=""}' }, 'match[] must contain at least one non-empty matcher'],
    ['/api/v1/series', { 'match[]': ['up', '{a=~".*"}'] }, 'match[] must contain at least one non-empty matcher'],
    ['/api/v1/series', { 'match[]': 'up{' }, 'invalid parameter "match[]": 1:4: parse error: unexpected end of input'],
    ['/api/v1/series', { 'match[]': '1' }, 'invalid parameter "match[]": 1:1: parse error: expected a vector selector, got a number'],
    ['/api/v1/series', { 'match[]': 'rate(up[1m])' }, 'invalid parameter "match[]": 1:1: parse error: expected a vector selector, got a function call'],
    ['/api/v1/series', { 'match[]': 'up', start: 'then' }, `invalid parameter "start": Invalid time value for 'start': cannot parse "then" to a valid timestamp`],
    ['/api/v1/series', { 'match[]': 'up', limit: '-1' }, 'invalid parameter "limit": cannot parse "-1" to a valid non-negative limit'],
    ['/api/v1/labels', { 'match[]': 'up{job=~"["}' }, 'error parsing regexp "["'],
    ['/api/v1/label/job/values', { 'match[]': '{job!="x"}' }, 'match[] must contain at least one non-empty matcher'],
    ['/api/v1/label/%ZZ/values', {}, 'invalid label name: "%ZZ"'],
    ['/api/v1/label//values', {}, 'invalid label name: ""'],
  ])('%s %j', async (path, params, message) => {
    expect(await badQuery(path, params)).toContain(message);
  });
});

describe('failures behind the API', () => {
  it('answers 503 unavailable while not ready, for the endpoints that need the store', async () => {
    api.setReady(false);
    expect(expectError(await api.both('/api/v1/query', { query: 'up' }), 503, 'unavailable')).toMatch(/not ready/);
    expectError(await api.get('/api/v1/series', { 'match[]': 'up' }), 503, 'unavailable');
    expectError(await api.get('/api/v1/label/job/values'), 503, 'unavailable');
    expect((await api.get('/api/v1/status/buildinfo')).status).toBe(200);
  });

  it('maps store errors by their code', async () => {
    api.querier.failWith = new CairnError(ErrorCodes.QUERY_EXECUTION, 'too many samples');
    expect(expectError(await api.get('/api/v1/query', { query: 'up' }), 422, 'execution')).toBe('too many samples');
    api.querier.failWith = new CairnError(ErrorCodes.STORE_UNAVAILABLE, 'store closed');
    expectError(await api.get('/api/v1/labels'), 503, 'unavailable');
    api.querier.failWith = new CairnError(ErrorCodes.QUERY_BAD_DATA, 'bad');
    expectError(await api.get('/api/v1/series', { 'match[]': 'up' }), 400, 'bad_data');
  });

  it('answers 500 internal for anything else, and logs it', async () => {
    api.querier.failWith = new Error('disk on fire');
    expect(expectError(await api.get('/api/v1/query_range', { query: 'up', ...range }), 500, 'internal')).toBe('disk on fire');
    const line = JSON.parse(api.logLines.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', msg: 'api request failed', component: 'api', path: '/api/v1/query_range', error: 'disk on fire' });
  });

  it('answers 503 timeout when the store is slower than the timeout parameter', async () => {
    api.querier.delayMs = 300;
    expect(expectError(await api.get('/api/v1/query', { query: 'up', timeout: '50ms' }), 503, 'timeout')).toBe('query timed out in query execution');
    expect(expectError(await api.get('/api/v1/query_range', { query: 'up', ...range, timeout: '0.05' }), 503, 'timeout')).toMatch(/timed out/);
  });

  it("caps the timeout parameter at the server's query timeout", async () => {
    const capped = await startApi([{ labels: { __name__: 'up' }, samples: [[T, 1]] }], { now: () => T, queryTimeoutMs: 50 });
    try {
      capped.querier.delayMs = 300;
      expectError(await capped.get('/api/v1/query', { query: 'up', timeout: '10m' }), 503, 'timeout');
      capped.querier.delayMs = 0;
      expect((await capped.get('/api/v1/query', { query: 'up', timeout: '10m' })).status).toBe(200);
    } finally {
      await capped.close();
    }
  });

  it('refuses form bodies over 10 MiB and closes the connection', async () => {
    const a = await fetch(`${api.base}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${'x'.repeat(11 * 1024 * 1024)}`,
    }).catch((err: unknown) => err);
    // The server may close before the client finished sending; either way it must not accept it.
    if (a instanceof Response) {
      expect(a.status).toBe(400);
      expect(((await a.json()) as { error: string }).error).toContain('POST too large');
    }
    expect((await api.get('/api/v1/query', { query: '1' })).status).toBe(200);
  });
});
