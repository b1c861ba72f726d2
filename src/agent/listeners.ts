import type { Reloadable } from '../component/index.js';
import type { Config } from '../config/index.js';
import { parseEndpoint } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { BodyWatchSettings, ListenerSecurityConfig, PeerLimitSettings } from '../net/index.js';
import { BodyWatch, ListenerSecurity, PeerLimits } from '../net/index.js';
import type { IngestPipeline } from '../pipeline/index.js';
import type { Receiver, ReceiverGuard } from '../receivers/index.js';
import { createOtlpGrpcReceiver, createOtlpHttpReceiver } from '../receivers/index.js';
import type { Registry } from '../telemetry/index.js';

type ReceiverName = 'grpc' | 'http';
const COMPONENT: Record<ReceiverName, string> = { grpc: 'otlp_grpc', http: 'otlp_http' };

const bodySettings = (c: Config): BodyWatchSettings => ({ minRate: c.limits.min_body_rate, graceMs: c.limits.body_grace, timeoutMs: c.limits.body_timeout });
const peerSettings = (c: Config): PeerLimitSettings => ({ maxConnections: c.limits.max_connections_per_peer, maxInflight: c.limits.max_inflight_requests_per_peer });
const maxBytesOf = (c: Config, name: ReceiverName): number => (name === 'grpc' ? c.receivers.otlp.grpc.max_recv_msg_bytes : c.receivers.otlp.http.max_request_bytes);
const securityOf = (c: Config, name: ReceiverName): ListenerSecurityConfig => c.receivers.otlp[name];

export interface ListenerDeps {
  readonly logger: Logger;
  readonly registry: Registry;
}

/**
 * The enabled OTLP receivers with their guards (tokens, TLS, per-peer limits, the shared body
 * watch), and the part that reloads all of it. Certificates and token files are read here,
 * before anything listens, so a wrong file stops the start with its name.
 */
export function buildReceivers(config: Config, pipeline: IngestPipeline, deps: ListenerDeps): { receivers: Receiver[]; reloadable: Reloadable } {
  const bodies = new BodyWatch(bodySettings(config));
  let current = config;
  const guards = new Map<ReceiverName, { guard: ReceiverGuard; peers: PeerLimits; security: ListenerSecurity }>();
  const receivers: Receiver[] = [];
  for (const name of ['grpc', 'http'] as const) {
    const section = config.receivers.otlp[name];
    if (!section.enabled) continue;
    const security = new ListenerSecurity(COMPONENT[name], securityOf(config, name), deps);
    const peers = new PeerLimits(COMPONENT[name], peerSettings(config), deps.registry);
    const guard: ReceiverGuard = { security, peers, bodies, maxBytes: () => maxBytesOf(current, name) };
    guards.set(name, { guard, peers, security });
    const ep = parseEndpoint(section.endpoint)!;
    const options = { host: ep.host, port: ep.port, pipeline, logger: deps.logger, guard };
    receivers.push(name === 'grpc' ? createOtlpGrpcReceiver(options) : createOtlpHttpReceiver(options));
  }
  const reloadable: Reloadable = {
    name: 'receivers',
    prepare(next) {
      const commits = [...guards].map(([name, g]) => {
        const commitSecurity = g.security.prepareReload(securityOf(next, name));
        return () => {
          commitSecurity();
          g.peers.update(peerSettings(next));
        };
      });
      return () => {
        for (const commit of commits) commit();
        bodies.update(bodySettings(next));
        current = next;
      };
    },
  };
  return { receivers, reloadable };
}

/** The API's tokens and TLS, and their reload; undefined security when neither is configured. */
export function buildApiSecurity(config: Config, deps: ListenerDeps): { security: ListenerSecurity; reloadable: Reloadable } {
  const security = new ListenerSecurity('api', config.api, deps);
  return { security, reloadable: { name: 'api', prepare: (next) => security.prepareReload(next.api) } };
}
