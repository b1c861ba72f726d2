import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import type { CairnProcess } from '../../support/cli.js';
import { cliConfigYaml, spawnCairn, tempDir } from '../../support/cli.js';
import { httpRequest, postMetrics } from '../../support/http-client.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import type { GaugeSpec } from '../../support/payloads.js';
import { gaugeJson } from '../../support/payloads.js';
import { PromApi } from '../../support/prom-api.js';

// Live reload through the CLI-started agent (issue 12, item 6): SIGHUP and POST /-/reload
// re-read the file; reloadable parts change in the running process (same pid), an invalid or
// restart-only change is refused whole and the old configuration keeps working, and no
// acknowledged point is lost while reloads happen under load.

const OLD_TOKEN = 'api-token-old-5d1c0e';
const NEW_TOKEN = 'api-token-new-a93f72';

interface Sections {
  readonly limits?: string;
  readonly processors?: string;
  /** Lines appended under `api:` (indented by two spaces). */
  readonly api?: string;
  readonly log?: string;
}

/** The whole config file: the CLI test config on a fixed store directory plus the given sections. */
function configText(store: string, s: Sections): string {
  let extra = '';
  if (s.limits !== undefined) extra += `limits:\n${s.limits}`;
  if (s.processors !== undefined) extra += `processors:\n${s.processors}`;
  if (s.log !== undefined) extra += `log:\n  level: ${s.log}\n`;
  const text = cliConfigYaml(extra, store);
  return s.api === undefined ? text : text.replace('api:\n  endpoint: 127.0.0.1:0\n', `api:\n  endpoint: 127.0.0.1:0\n${s.api}`);
}

interface Agent {
  readonly cairn: CairnProcess;
  readonly dir: ReturnType<typeof tempDir>;
  readonly store: string;
  readonly configFile: string;
  readonly grpc: string;
  readonly otlpUrl: string;
  readonly apiBase: string;
  /** Replaces the config file (the next reload reads it). */
  write(s: Sections, store?: string): void;
}

const running: CairnProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) d.remove();
});

async function start(s: Sections, env: Record<string, string> = {}): Promise<Agent> {
  const dir = tempDir('cairn-reload-');
  dirs.push(dir);
  const store = join(dir.dir, 'store');
  const configFile = dir.write('cairn.yaml', configText(store, s));
  const cairn = spawnCairn(['run', '--config', configFile], [], env);
  running.push(cairn);
  const addr = await cairn.listening();
  const apiBase = `http://${String((await cairn.waitForLog('api listening'))['address'])}`;
  await cairn.waitForLog('agent started');
  return {
    cairn,
    dir,
    store,
    configFile,
    grpc: addr.grpc,
    otlpUrl: `http://${addr.http}/v1/metrics`,
    apiBase,
    write: (next, at = store) => void dir.write('cairn.yaml', configText(at, next)),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const auth = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

/** The agent's /metrics text (with `token` when the API wants one). */
async function metricsText(a: Agent, token?: string): Promise<string> {
  const res = await httpRequest(`${a.apiBase}/metrics`, { method: 'GET', headers: auth(token) });
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${res.body.toString()}`);
  return res.body.toString();
}

/** One sample of a metric (exact label set as rendered, '' for none); 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const escaped = `${name}${labels === '' ? '' : `{${labels}}`}`.replace(/[{}"=.]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

interface ReloadState {
  readonly success: number;
  readonly failure: number;
  /** cairn_config_reload_success */
  readonly ok: number;
  /** cairn_config_last_reload_success_timestamp_seconds */
  readonly lastSuccess: number;
}

async function reloadState(a: Agent, token?: string): Promise<ReloadState> {
  const text = await metricsText(a, token);
  return {
    success: sample(text, 'cairn_config_reloads_total', 'result="success"'),
    failure: sample(text, 'cairn_config_reloads_total', 'result="failure"'),
    ok: sample(text, 'cairn_config_reload_success'),
    lastSuccess: sample(text, 'cairn_config_last_reload_success_timestamp_seconds'),
  };
}

/**
 * Sends SIGHUP and waits until the reload is counted (as a success or a failure); `tokens`
 * are tried in turn for /metrics, since a reload may change the API's token.
 */
async function sighup(a: Agent, tokens: (string | undefined)[] = [undefined]): Promise<ReloadState> {
  // A reload that changes the token can land between two tries: go round a few times.
  const state = async (): Promise<ReloadState> => {
    let last: unknown;
    for (let round = 0; round < 3; round++) {
      for (const t of tokens) {
        try {
          return await reloadState(a, t);
        } catch (err) {
          last = err;
        }
      }
    }
    throw last;
  };
  const before = await state();
  a.cairn.child.kill('SIGHUP');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = await state();
    if (now.success + now.failure > before.success + before.failure) return now;
    if (Date.now() > deadline) throw new Error(`SIGHUP: no reload counted within 20 s; stderr:\n${a.cairn.stderrLines.slice(-10).join('\n')}`);
    if (a.cairn.child.exitCode !== null || a.cairn.child.signalCode !== null) throw new Error(`the agent exited on SIGHUP: ${a.cairn.child.exitCode ?? a.cairn.child.signalCode}`);
    await sleep(50);
  }
}

/** Posts one OTLP/JSON gauge request; answers rejected points and the partial-success message. */
async function send(a: Agent, spec: GaugeSpec | GaugeSpec[]): Promise<{ rejected: number; message: string }> {
  const res = await postMetrics(a.otlpUrl, gaugeJson(spec), { contentType: 'application/json' });
  expect(res.status, res.body.toString()).toBe(200);
  const body = JSON.parse(res.body.toString()) as { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string } };
  return { rejected: Number(body.partialSuccess?.rejectedDataPoints ?? 0), message: body.partialSuccess?.errorMessage ?? '' };
}

/** A gauge with one point carrying `attrs`. Labels of its series: __name__, job, otel_scope_name, otel_scope_version and the attributes. */
const gauge = (name: string, attrs: Record<string, string>): GaugeSpec => ({ name, points: [{ value: 1, attributes: attrs }] });

async function seriesOf(a: Agent, match: string, token?: string): Promise<Record<string, string>[]> {
  const res = await httpRequest(`${a.apiBase}/api/v1/series?${new URLSearchParams([['match[]', match]])}`, { method: 'GET', headers: auth(token) });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body.toString()) as { data: Record<string, string>[] }).data;
}

/** The agent is the one started: still running, started once. */
function expectSameProcess(a: Agent, pid: number): void {
  expect(a.cairn.pid).toBe(pid);
  expect(a.cairn.child.exitCode).toBeNull();
  expect(a.cairn.child.signalCode).toBeNull();
  expect(() => process.kill(pid, 0)).not.toThrow();
  expect(a.cairn.logs.filter((l) => l['msg'] === 'agent started')).toHaveLength(1);
}

const refusalLogs = (a: Agent): Record<string, unknown>[] => a.cairn.logs.filter((l) => l['msg'] === 'configuration reload refused; keeping the running configuration');

describe('SIGHUP reload', () => {
  it('applies a changed limit, processor rule, API token and log level in the running process', async () => {
    const before: Sections = { api: `  auth: { bearer_tokens: ["${OLD_TOKEN}"] }\n` };
    const a = await start(before);
    const pid = a.cairn.pid;
    expect(await reloadState(a, OLD_TOKEN)).toMatchObject({ ok: 1, success: 0, failure: 0 });

    // Before: no label limit, no rules, the old token.
    expect(await send(a, gauge('wide_before', { a: '1', b: '2', c: '3' }))).toEqual({ rejected: 0, message: '' });
    expect(await send(a, gauge('proc_m', { 'user.id': 'u-1', keep: 'k' }))).toEqual({ rejected: 0, message: '' });
    expect((await seriesOf(a, 'proc_m', OLD_TOKEN)).map((s) => s['user_id'])).toEqual(['u-1']);
    expect((await httpRequest(`${a.apiBase}/api/v1/labels`, { method: 'GET', headers: auth(NEW_TOKEN) })).status).toBe(401);

    a.write({
      limits: '  max_labels_per_series: 6\n',
      processors: '  - drop_attributes: { keys: "^user\\\\." }\n',
      api: `  auth: { bearer_tokens: ["${NEW_TOKEN}"] }\n`,
      log: 'warn',
    });
    const t0 = Date.now() / 1000;
    const after = await sighup(a, [NEW_TOKEN, OLD_TOKEN]);
    expect(after).toMatchObject({ ok: 1, success: 1, failure: 0 });
    expect(after.lastSuccess).toBeGreaterThanOrEqual(t0 - 1);
    expectSameProcess(a, pid);

    // The token: old refused everywhere but the open paths, new accepted.
    for (const path of ['/api/v1/labels', '/metrics']) {
      expect((await httpRequest(`${a.apiBase}${path}`, { method: 'GET', headers: auth(OLD_TOKEN) })).status, path).toBe(401);
      expect((await httpRequest(`${a.apiBase}${path}`, { method: 'GET', headers: auth(NEW_TOKEN) })).status, path).toBe(200);
    }
    expect((await httpRequest(`${a.apiBase}/healthz`, { method: 'GET' })).status).toBe(200);

    // The limit: 7 labels are now one too many; 6 still fit.
    expect(await send(a, gauge('wide_after', { a: '1', b: '2', c: '3' }))).toEqual({ rejected: 1, message: 'series has 7 labels, more than limits.max_labels_per_series (6)' });
    expect(await send(a, gauge('wide_after', { a: '1', b: '2' }))).toEqual({ rejected: 0, message: '' });
    expect(sample(await metricsText(a, NEW_TOKEN), 'cairn_limit_refused_points_total', 'limit="max_labels_per_series"')).toBe(1);

    // The rule: the same attributes as before (a series identity the workers had cached) and a
    // new metric are both stored without user.id.
    await sleep(5); // a later timestamp than the first proc_m point
    expect(await send(a, gauge('proc_m', { 'user.id': 'u-1', keep: 'k' }))).toEqual({ rejected: 0, message: '' });
    expect(await send(a, gauge('proc_new', { 'user.id': 'u-2', keep: 'k' }))).toEqual({ rejected: 0, message: '' });
    const procM = await seriesOf(a, 'proc_m', NEW_TOKEN);
    expect(procM.map((s) => s['user_id'] ?? '(none)').sort()).toEqual(['(none)', 'u-1']);
    expect(procM.find((s) => s['user_id'] === undefined)).toMatchObject({ keep: 'k' });
    expect(await seriesOf(a, 'proc_new', NEW_TOKEN)).toEqual([expect.not.objectContaining({ user_id: expect.anything() })]);
    expect((await seriesOf(a, 'proc_new', NEW_TOKEN))[0]).toMatchObject({ keep: 'k' });

    // The log level: at warn, a further reload logs no info line; back at debug, it does.
    const lines = (): number => a.cairn.logs.length;
    const atWarn = lines();
    expect((await sighup(a, [NEW_TOKEN])).success).toBe(2);
    expect(a.cairn.logs.slice(atWarn).filter((l) => l['level'] === 'info')).toEqual([]);
    a.write({ limits: '  max_labels_per_series: 6\n', processors: '  - drop_attributes: { keys: "^user\\\\." }\n', api: `  auth: { bearer_tokens: ["${NEW_TOKEN}"] }\n`, log: 'debug' });
    const atDebug = lines();
    expect(await sighup(a, [NEW_TOKEN])).toMatchObject({ ok: 1, success: 3 });
    await a.cairn.waitForLog('configuration reloaded');
    expect(a.cairn.logs.slice(atDebug).filter((l) => l['msg'] === 'configuration reloaded')).toHaveLength(1);
    expectSameProcess(a, pid);
    // The token was never logged.
    const log = a.cairn.stderrLines.join('\n');
    for (const token of [OLD_TOKEN, NEW_TOKEN]) expect(log).not.toContain(token);
  });

  it('refuses an invalid configuration whole: the old one keeps working, the gauge is 0, the log names the problem', async () => {
    const good: Sections = { limits: '  max_labels_per_series: 6\n' };
    const a = await start(good);
    const pid = a.cairn.pid;
    const first = await reloadState(a);
    expect(first.ok).toBe(1);

    // An unknown key beside a valid change: neither is taken.
    a.write({ limits: '  max_labels_per_series: 8\n  max_inflight_byte: 1MiB\n' });
    const unknown = await sighup(a);
    expect(unknown).toMatchObject({ ok: 0, success: 0, failure: 1, lastSuccess: first.lastSuccess });
    expect(refusalLogs(a)).toHaveLength(1);
    expect(refusalLogs(a)[0]).toMatchObject({ level: 'error', component: 'agent', file: a.configFile, error: expect.stringContaining('limits.max_inflight_byte') });
    expect(String(refusalLogs(a)[0]!['error'])).toContain('did you mean max_inflight_bytes?');
    expect(await send(a, gauge('still_six', { a: '1', b: '2', c: '3' }))).toMatchObject({ rejected: 1, message: expect.stringContaining('limits.max_labels_per_series (6)') });

    // A bad value.
    a.write({ limits: '  max_labels_per_series: 8\n  min_body_rate: fast\n' });
    expect(await sighup(a)).toMatchObject({ ok: 0, failure: 2, success: 0 });
    expect(refusalLogs(a)[1]).toMatchObject({ error: expect.stringContaining('limits.min_body_rate: got "fast"') });
    // A processor rule that does not compile.
    a.write({ limits: '  max_labels_per_series: 8\n', processors: '  - drop_attributes: { keys: "(unclosed" }\n' });
    expect(await sighup(a)).toMatchObject({ ok: 0, failure: 3, success: 0 });
    expect(refusalLogs(a)[2]!['error']).toMatch(/processors/);
    // Not YAML at all.
    a.dir.write('cairn.yaml', 'limits: [\n');
    expect(await sighup(a)).toMatchObject({ ok: 0, failure: 4 });
    expect(refusalLogs(a)).toHaveLength(4);
    expect(await send(a, gauge('still_six', { a: '1', b: '2', c: '3' }))).toMatchObject({ rejected: 1 });
    expectSameProcess(a, pid);

    // A valid one afterwards is taken, and the gauge says so again.
    a.write({ limits: '  max_labels_per_series: 8\n' });
    const fixed = await sighup(a);
    expect(fixed).toMatchObject({ ok: 1, success: 1, failure: 4 });
    expect(fixed.lastSuccess).toBeGreaterThan(first.lastSuccess);
    expect(await send(a, gauge('now_eight', { a: '1', b: '2', c: '3' }))).toEqual({ rejected: 0, message: '' });
  });

  it('refuses a change to a restart-only key (store.path), naming it, and keeps writing where it did', async () => {
    const a = await start({});
    const pid = a.cairn.pid;
    const elsewhere = join(a.dir.dir, 'other-store');
    a.write({ limits: '  max_labels_per_series: 6\n' }, elsewhere);
    expect(await sighup(a)).toMatchObject({ ok: 0, failure: 1, success: 0 });
    const refused = refusalLogs(a);
    expect(refused).toHaveLength(1);
    expect(refused[0]!['error']).toBe('store.path changed; it needs a restart');
    // Nothing of the new file was taken (not even its reloadable limit), and the store is where it was.
    expect(await send(a, gauge('restart_only', { a: '1', b: '2', c: '3' }))).toEqual({ rejected: 0, message: '' });
    expect(await seriesOf(a, 'restart_only')).toHaveLength(1);
    expect(existsSync(elsewhere)).toBe(false);
    expect(existsSync(join(a.store, 'LOCK'))).toBe(true);
    expectSameProcess(a, pid);
  });

  it('never kills the agent: many SIGHUPs in a row, then SIGTERM exits 0 and removes the LOCK', async () => {
    const a = await start({});
    const pid = a.cairn.pid;
    for (let i = 0; i < 10; i++) {
      a.cairn.child.kill('SIGHUP');
      await sleep(10);
    }
    // Signals that arrive while one is pending are merged by the kernel, so there are 1 to 10
    // reloads; they run one at a time, and each is logged as it starts. Wait until every
    // reload that started is counted.
    const started = (): number => a.cairn.logs.filter((l) => l['msg'] === 'reloading the configuration').length;
    const deadline = Date.now() + 20_000;
    let state = await reloadState(a);
    while ((state.success === 0 || state.success !== started()) && Date.now() < deadline) {
      await sleep(100);
      state = await reloadState(a);
    }
    expect(state).toMatchObject({ ok: 1, failure: 0 });
    expect(state.success).toBeGreaterThanOrEqual(1);
    expect(state.success).toBe(started());
    expect(state.success).toBeLessThanOrEqual(10);
    expectSameProcess(a, pid);
    expect(await send(a, gauge('after_hups', {}))).toEqual({ rejected: 0, message: '' });
    expect(existsSync(join(a.store, 'LOCK'))).toBe(true);
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(a.store, 'LOCK'))).toBe(false);
    // The store is free: a new agent starts on it and finds the point.
    const b = spawnCairn(['run', '--config', a.configFile]);
    running.push(b);
    await b.listening();
    const api = new PromApi(`http://${String((await b.waitForLog('api listening'))['address'])}`);
    expect((await api.get<unknown[]>('/api/v1/series', [['match[]', 'after_hups']])).data).toHaveLength(1);
    expect(b.logs.find((l) => l['msg'] === 'store: took over a stale LOCK')).toBeUndefined();
  });
});

describe('POST /-/reload', () => {
  it('is 403 while api.enable_lifecycle is off, and reloads nothing', async () => {
    const a = await start({});
    a.write({ limits: '  max_labels_per_series: 6\n' });
    const res = await httpRequest(`${a.apiBase}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(403);
    expect(res.body.toString()).toContain('api.enable_lifecycle');
    expect(await reloadState(a)).toMatchObject({ ok: 1, success: 0, failure: 0 });
    expect(await send(a, gauge('lifecycle_off', { a: '1', b: '2', c: '3' }))).toEqual({ rejected: 0, message: '' });
  });

  it('reloads when enabled: 200 when taken, 500 with the reason when refused, 405 for GET; a reload can turn it off', async () => {
    const on = '  enable_lifecycle: true\n';
    const a = await start({ api: on });
    const pid = a.cairn.pid;
    const post = (method = 'POST') => httpRequest(`${a.apiBase}/-/reload`, { method });

    expect((await post('GET')).status).toBe(405);
    a.write({ api: on, limits: '  max_labels_per_series: 6\n' });
    const ok = await post();
    expect([ok.status, ok.body.toString()]).toEqual([200, 'configuration reloaded\n']);
    expect(await reloadState(a)).toMatchObject({ ok: 1, success: 1, failure: 0 });
    expect(await send(a, gauge('lifecycle_on', { a: '1', b: '2', c: '3' }))).toMatchObject({ rejected: 1 });

    a.write({ api: on, limits: '  max_labels_per_series: six\n' });
    const bad = await post();
    expect(bad.status).toBe(500);
    expect(bad.body.toString()).toMatch(/^failed to reload config: .*limits\.max_labels_per_series/);
    expect(await reloadState(a)).toMatchObject({ ok: 0, success: 1, failure: 1 });
    expect(await send(a, gauge('lifecycle_on', { a: '1', b: '2', c: '3' }))).toMatchObject({ rejected: 1 });

    a.write({});
    expect((await post()).status).toBe(200);
    expect(await reloadState(a)).toMatchObject({ ok: 1, success: 2, failure: 1 });
    expect((await post()).status).toBe(403);
    expectSameProcess(a, pid);
  });
});

describe('reload under load', () => {
  it('loses no acknowledged point while SIGHUPs change reloadable keys, and SIGTERM afterwards exits 0 and unlocks', { timeout: 120_000 }, async () => {
    // Configurations that differ only in reloadable keys and leave the load's series as they are.
    const variants: Sections[] = [
      { limits: '  max_series: 100000\n  max_labels_per_series: 32\n  retry_after: 2s\n', log: 'warn' },
      { limits: '  max_inflight_bytes: 32MiB\n  min_body_rate: 8KiB\n  max_connections_per_peer: 128\n', processors: '  - drop_metrics: { names: "^never_sent\\\\." }\n' },
      { limits: '  max_series_per_metric: 50000\n  max_label_value_length: 256\n  label_value_overflow: truncate\n', processors: '  - rename: { from: never.there, to: still.not.there }\n', log: 'info' },
      { processors: '  - drop_attributes: { keys: "^never\\\\." }\n  - redact: { patterns: [email] }\n', limits: '  max_inflight_requests_per_peer: 64\n  body_timeout: 30s\n' },
    ];
    const a = await start({});
    const pid = a.cairn.pid;
    const api = new PromApi(a.apiBase);
    const load = new AckedLoad({ prefix: 'reload_load', senders: 3, seriesPerSender: 4, pointsPerRequest: 5, baseMs: baseTimeMs(24), stepMs: 1000 });
    const run = load.run(a.grpc);
    await Promise.race([run.firstAck, sleep(20_000)]);
    const log: string[] = [];
    const reloads = 8;
    for (let i = 0; i < reloads; i++) {
      a.write(variants[i % variants.length]!);
      const ackedBefore = load.ackedPoints();
      const state = await sighup(a);
      expect(state, `reload ${i}: ${JSON.stringify(refusalLogs(a).slice(-1))}`).toMatchObject({ ok: 1, success: i + 1, failure: 0 });
      // Some load between reloads.
      const deadline = Date.now() + 10_000;
      while (load.ackedPoints() < ackedBefore + 200 && Date.now() < deadline) await sleep(20);
      log.push(`reload ${i}: ${load.ackedPoints() - ackedBefore} points acknowledged around it`);
    }
    run.stop();
    await run.done;
    const v = await load.check(api);
    console.log(`[reload under load] ${reloads} reloads, ${load.ackedPoints()} acknowledged points checked; failures ${JSON.stringify(load.failures)}\n${log.join('\n')}`);
    expect(load.ackedPoints()).toBeGreaterThanOrEqual(reloads * 200);
    expect(v.checked).toBe(load.ackedPoints());
    expect(v.missing.slice(0, 10)).toEqual([]);
    expect(v.foreign.slice(0, 10)).toEqual([]);
    expect(load.oddAnswers.slice(0, 10)).toEqual([]);
    expectSameProcess(a, pid);

    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(a.store, 'LOCK'))).toBe(false);
  });
});
