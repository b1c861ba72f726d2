import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { cliConfigYaml, runCairn, spawnCairn, tempDir } from '../../support/cli.js';
import { httpRequest } from '../../support/http-client.js';
import { PromApi } from '../../support/prom-api.js';
import { findStored } from '../../support/stored-text.js';

// Attribute processors in the decode workers: personal data is masked before the WAL, so it is
// in no file under the data directory (searched raw, lz4-decompressed and inflated); the same
// workload without the rules leaves every value findable, which shows the search would see it.

const PII = {
  email: 'alice.liddell@example.com',
  ipv4: '203.0.113.77',
  ipv6: '2001:db8::7:ab',
  card: '4111 1111 1111 1111',
  token: 'Bearer s3cr3t-t0ken-9f2',
  ssn: 'ssn=123456789',
  userId: 'u-88120345',
  owner: 'bob.owner@example.org',
};
const NEEDLES = [PII.email, PII.ipv4, PII.ipv6, PII.card, 's3cr3t-t0ken-9f2', '123456789', PII.userId, PII.owner];

const RULES = `processors:
  - redact: { patterns: [email, ipv4, ipv6, credit_card, bearer], custom: ["ssn=\\\\d+"], mode: mask, mask: "<masked>" }
  - drop_attributes: { keys: "^user\\\\.id$" }
  - set: { attributes: { deployment.environment: prod } }
  - rename: { from: http.method, to: http.request.method, levels: [point] }
  - drop_metrics: { names: "^debug\\\\." }
`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

/** Records the PII-laden workload once through `exporter` and flushes. */
async function sendWorkload(exporter: PushMetricExporter, service: string): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.owner': PII.owner }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 })],
  });
  const meter = provider.getMeter('pii-test');
  const requests = meter.createCounter('app.requests');
  requests.add(1, { 'user.email': PII.email, 'client.address': PII.ipv4, 'http.method': 'GET' });
  requests.add(2, { 'peer.address': PII.ipv6, 'user.id': PII.userId, 'http.method': 'POST' });
  meter.createCounter('app.payments').add(5, { card: PII.card, note: `paid by ${PII.ssn}`, auth: PII.token });
  meter.createCounter('debug.internal').add(1, { 'user.email': PII.email });
  // shutdown alone exports once (forceFlush first would export the same points twice).
  await provider.shutdown();
}

/** Runs an agent with `extra` config, sends the workload through both exporters, stops it; returns its store dir and what the API showed. */
async function runAgent(extra: string): Promise<{ store: string; series: Record<string, string>[]; metrics: string; logs: string }> {
  const dir = tempDir();
  dirs.push(dir);
  const store = `${dir.dir}/store`;
  const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', cliConfigYaml(extra, store))]);
  try {
    const addr = await cairn.listening();
    const api = new PromApi(`http://${String((await cairn.waitForLog('api listening'))['address'])}`);
    await sendWorkload(new GrpcExporter({ url: `http://${addr.grpc}` }), 'pii-grpc');
    await sendWorkload(new JsonExporter({ url: `http://${addr.http}/v1/metrics` }), 'pii-json');
    const series = (await api.get<Record<string, string>[]>('/api/v1/series', [['match[]', '{job=~"pii-.*",__name__!="target_info"}']])).data!;
    const text = (await httpRequest(`${api.base}/metrics`, { method: 'GET' })).body.toString();
    cairn.child.kill('SIGTERM');
    expect(await cairn.exited).toEqual({ code: 0, signal: null });
    return { store, series, metrics: text, logs: cairn.stderrLines.join('\n') };
  } finally {
    await cairn.kill();
  }
}

describe('attribute processors before the WAL', () => {
  it('without rules, every personal value is findable in the data directory (the search works)', async () => {
    const { store } = await runAgent('');
    const found = findStored(store, NEEDLES);
    expect([...found.keys()].sort()).toEqual([...NEEDLES].sort());
  });

  it('with the rules, no masked or dropped value is in any file under the data directory', async () => {
    const { store, series, metrics, logs } = await runAgent(RULES);
    expect(Object.fromEntries(findStored(store, NEEDLES))).toEqual({});
    expect(logs).not.toContain(PII.email);

    const names = new Set(series.map((s) => s['__name__']));
    expect(names).toEqual(new Set(['app_requests_total', 'app_payments_total']));
    const payments = series.filter((s) => s['__name__'] === 'app_payments_total');
    expect(payments).toHaveLength(2);
    for (const s of payments) {
      expect(s).toMatchObject({ card: '<masked>', note: 'paid by <masked>', auth: '<masked>', deployment_environment: 'prod' });
    }
    const requests = series.filter((s) => s['__name__'] === 'app_requests_total');
    expect(requests.map((s) => [s['user_email'] ?? s['peer_address'], s['client_address'] ?? '-', s['http_request_method'], s['user_id'] ?? 'dropped']).sort()).toEqual([
      ['<masked>', '-', 'POST', 'dropped'],
      ['<masked>', '-', 'POST', 'dropped'],
      ['<masked>', '<masked>', 'GET', 'dropped'],
      ['<masked>', '<masked>', 'GET', 'dropped'],
    ]);
    for (const s of series) expect(s['http_method']).toBeUndefined();
    // Each rule counted on the points it changed; debug.internal's 2 points (one per exporter) dropped.
    expect(metrics).toMatch(/cairn_processor_points_total\{rule="1:redact"\} 6\b/);
    expect(metrics).toMatch(/cairn_processor_points_total\{rule="2:drop_attributes"\} 2\b/);
    expect(metrics).toMatch(/cairn_processor_points_total\{rule="3:set"\} 6\b/);
    expect(metrics).toMatch(/cairn_processor_points_total\{rule="4:rename"\} 4\b/);
    expect(metrics).toMatch(/cairn_processor_points_total\{rule="5:drop_metrics"\} 2\b/);
  });

  it('hash mode keeps one series per value, as HMAC-SHA256 under the key, and check-config shows the rules', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const key = 'k3y-for-the-test-0123456789abcdef';
    const keyFile = dir.write('hmac.key', `${key}\n`);
    const rules = `processors:\n  - redact: { patterns: [email], mode: hash, hash_key_file: ${keyFile}, keys: "^user\\\\." }\n`;
    const check = await runCairn(['check-config', dir.write('check.yaml', rules)]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('1:redact');
    expect(check.stdout).toContain('redact email in values of keys matching /^user\\./ at resource, point, as hmac:<16 hex> (HMAC-SHA256)');
    const { store, series } = await runAgent(rules);
    const expected = `hmac:${createHmac('sha256', key).update(PII.email).digest('hex').slice(0, 16)}`;
    const emails = new Set(series.filter((s) => s['user_email'] !== undefined).map((s) => s['user_email']));
    expect(emails).toEqual(new Set([expected]));
    // The resource attribute host.owner is not under ^user\. : kept (on target_info).
    expect(findStored(store, [PII.email, PII.owner]).has(PII.email)).toBe(false);
    expect(findStored(store, [PII.owner]).has(PII.owner)).toBe(true);
  });

  it('a hash key file that is missing or too short stops the start and fails check-config, naming the file', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const short = dir.write('short.key', 'abc');
    for (const file of [short, `${dir.dir}/missing.key`]) {
      const config = dir.write('bad.yaml', `processors:\n  - redact: { patterns: [email], mode: hash, hash_key_file: ${file} }\n`);
      const check = await runCairn(['check-config', config]);
      expect(check.code).toBe(2);
      expect(check.stderr).toContain(file);
      const run = await runCairn(['run', '--config', dir.write('run.yaml', cliConfigYaml(`processors:\n  - redact: { patterns: [email], mode: hash, hash_key_file: ${file} }\n`))]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(file);
    }
  });
});
