import type { Config, ConfigProblem, ExporterConfig } from '../config/index.js';
import { parseEndpoint } from '../config/index.js';
import { grpcTarget } from './otlp/otlp-grpc-sender.js';

/**
 * What the schema cannot check about an exporter entry: endpoint syntax per kind, keys that only
 * mean something for some kinds, bounds between keys. Problems name the key path.
 */
export function validateExporter(name: string, c: ExporterConfig): ConfigProblem[] {
  const at = (key: string): string => `exporters.${name}.${key}`;
  const problems: ConfigProblem[] = [];
  if (c.endpoints.length === 0) problems.push({ path: at('endpoints'), value: c.endpoints, expected: 'at least one endpoint' });
  c.endpoints.forEach((e, i) => {
    const ok = c.kind === 'otlp_grpc' ? parseEndpoint(grpcTarget(e).target) !== undefined : isHttpUrl(e);
    if (!ok) {
      const expected = c.kind === 'otlp_grpc' ? 'host:port or http(s)://host:port' : 'an http:// or https:// URL';
      problems.push({ path: `${at('endpoints')}[${i}]`, value: e, expected });
    }
  });
  if (c.protocol_version === 2 && c.kind !== 'prometheus_remote_write') problems.push({ path: at('protocol_version'), value: 2, expected: '1 (only prometheus_remote_write speaks 2)' });
  if (c.encoding === 'json' && c.kind !== 'otlp_http') problems.push({ path: at('encoding'), value: 'json', expected: 'protobuf (only otlp_http sends JSON)' });
  if (c.retry.max < c.retry.initial) problems.push({ path: at('retry.max'), value: c.retry.max, expected: `at least retry.initial (${c.retry.initial} ms)` });
  for (const key of Object.keys(c.headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) problems.push({ path: at(`headers.${key}`), value: key, expected: 'an HTTP header name' });
  }
  problems.push(...validateCredentials(name, c));
  return problems;
}

/** TLS settings need a TLS endpoint (https://, for otlp_grpc too), and a token comes from one place. */
function validateCredentials(name: string, c: ExporterConfig): ConfigProblem[] {
  const at = (key: string): string => `exporters.${name}.${key}`;
  const problems: ConfigProblem[] = [];
  const t = c.tls;
  const tlsSet = t.ca_file !== '' || t.cert_file !== '' || t.key_file !== '' || t.insecure_skip_verify || t.server_name !== '';
  if (tlsSet) {
    c.endpoints.forEach((e, i) => {
      if (!e.startsWith('https://')) problems.push({ path: `${at('endpoints')}[${i}]`, value: e, expected: 'an https:// endpoint (tls settings apply to TLS endpoints only)' });
    });
  }
  if ((t.cert_file === '') !== (t.key_file === '')) problems.push({ path: at(t.cert_file === '' ? 'tls.cert_file' : 'tls.key_file'), value: '', expected: 'set together with the other (a client certificate and its key)' });
  if (c.bearer_token !== '' && c.bearer_token_file !== '') problems.push({ path: at('bearer_token_file'), value: c.bearer_token_file, expected: "'' when bearer_token is set (one or the other)" });
  return problems;
}

export function validateExporters(config: Config): ConfigProblem[] {
  return Object.entries(config.exporters).flatMap(([name, c]) => validateExporter(name, c));
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
