import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkConfig, REPO } from './deploy-kit.js';

// No API server here, so `kubectl apply --dry-run` cannot run: the manifests are validated
// against the Kubernetes OpenAPI schemas by kubernetes-models (a dev dependency), and the
// fields that matter are checked one by one, since the schemas let unknown keys through.

type Doc = Record<string, any>;
const DIR = join(REPO, 'deploy/kubernetes');
const docs: Doc[] = ['configmap.yaml', 'daemonset.yaml', 'service.yaml'].flatMap((f) =>
  parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Doc),
);
const byKind = (kind: string): Doc => docs.find((d) => d['kind'] === kind)!;
const ds = byKind('DaemonSet');
const pod = ds['spec'].template.spec;
const agent = pod.containers.find((c: Doc) => c['name'] === 'cairn');
const volume = (name: string): Doc => pod.volumes.find((v: Doc) => v['name'] === name);
const mountAt = (path: string): Doc => agent.volumeMounts.find((m: Doc) => m['mountPath'] === path);
const config = parse(byKind('ConfigMap')['data']['cairn.yaml'] as string) as Doc;
const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

const MI = 2 ** 20;
function bytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!m) throw new Error(`unexpected quantity ${quantity}`);
  return Number(m[1]) * { Ki: 2 ** 10, Mi: MI, Gi: 2 ** 30, '': 1 }[m[2] ?? '']!;
}

type Model = new (o: Doc) => { validate(): void };
// A specifier TypeScript does not resolve, so the suite type-checks without the package too.
const MODELS = 'kubernetes-models';
const models = await Promise.all([import(`${MODELS}/apps/v1`), import(`${MODELS}/v1`)]).then(
  ([apps, core]: Doc[]) => ({ DaemonSet: apps!['DaemonSet'] as Model, ConfigMap: core!['ConfigMap'] as Model, Service: core!['Service'] as Model }),
  () => undefined,
);

describe('deploy/kubernetes', () => {
  it.skipIf(models === undefined)('matches the Kubernetes API schemas (skipped where the kubernetes-models dev dependency is not installed)', () => {
    const kinds: Record<string, Model> = models!;
    expect(docs.map((d) => d['kind']).sort()).toEqual(['ConfigMap', 'DaemonSet', 'Service']);
    for (const d of docs) expect(() => new kinds[d['kind'] as string]!(d).validate(), d['kind'] as string).not.toThrow();
  });

  it('runs the agent unprivileged with a read-only root file system', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(agent.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(agent.securityContext.runAsUser ?? pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(agent.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(agent.securityContext.privileged ?? false).toBe(false);
    expect(typeof pod.hostNetwork).toBe('boolean');
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) expect(c.image).toBe(`cairn:${version}`);
  });

  it('probes /healthz and /readyz on the port the API listens on', () => {
    const port = (name: string): number => agent.ports.find((p: Doc) => p['name'] === name).containerPort;
    expect(agent.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'api' });
    expect(agent.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'api' });
    expect(`0.0.0.0:${port('api')}`).toBe(config['api'].endpoint);
    expect(`0.0.0.0:${port('otlp-grpc')}`).toBe(config['receivers'].otlp.grpc.endpoint);
    expect(`0.0.0.0:${port('otlp-http')}`).toBe(config['receivers'].otlp.http.endpoint);
  });

  it('sizes memory for the footprint and the configured in-flight bound', () => {
    const { requests, limits } = agent.resources;
    expect(bytes(requests.memory)).toBeGreaterThanOrEqual(65 * MI);
    expect(bytes(limits.memory)).toBeGreaterThanOrEqual(2 * 200 * MI);
    // docs/ingest.md: memory <= 128 MiB + 6 x max_inflight_bytes + the store's share.
    expect(128 * MI + 6 * bytes(String(config['limits'].max_inflight_bytes).replace('MiB', 'Mi'))).toBeLessThan(bytes(limits.memory));
  });

  it("keeps the store on the node and reads the node's /, /proc and /sys read-only at host.root_path", () => {
    const root = config['host'].root_path as string;
    expect(volume(mountAt(config['store'].path).name).hostPath.path).toBe('/var/lib/cairn');
    for (const [hostPath, at] of [['/', root], ['/proc', `${root}/proc`], ['/sys', `${root}/sys`]] as const) {
      const mount = mountAt(at);
      expect(mount?.readOnly, at).toBe(true);
      expect(volume(mount.name).hostPath.path).toBe(hostPath);
    }
    expect(volume(mountAt('/etc/cairn').name).configMap.name).toBe(byKind('ConfigMap')['metadata'].name);
    expect(agent.args).toEqual(['run', '--config', '/etc/cairn/cairn.yaml']);
  });

  it("offers OTLP through a Service that reaches this DaemonSet's pods", () => {
    const svc = byKind('Service')['spec'];
    expect(pod.containers[0].name).toBe('cairn');
    expect(ds['spec'].template.metadata.labels).toMatchObject(svc.selector);
    expect(svc.ports.map((p: Doc) => [p['port'], p['targetPort']])).toEqual([
      [4317, 'otlp-grpc'],
      [4318, 'otlp-http'],
    ]);
  });

  it('ships a configuration that cairn check-config accepts', () => {
    const result = checkConfig(byKind('ConfigMap')['data']['cairn.yaml'] as string);
    expect(result.output).toContain('configuration is valid');
    expect(result.status).toBe(0);
  });
});
