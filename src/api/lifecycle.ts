/** What POST /-/reload calls: resolves with null on success, or why the new configuration was refused. */
export interface LifecycleOptions {
  /** Read on every request (reloadable): api.enable_lifecycle. */
  readonly enabled: () => boolean;
  readonly reload: () => Promise<string | null>;
}

export const LIFECYCLE_PATHS: readonly string[] = ['/-/reload'];

interface LifecycleAnswer {
  readonly status: number;
  readonly body: string;
  readonly allow?: string;
}

/**
 * Prometheus' lifecycle endpoint: `POST /-/reload` re-reads the configuration (as SIGHUP
 * does); 403 while api.enable_lifecycle is off, as Prometheus answers without
 * --web.enable-lifecycle; 500 with the reason when the new configuration is refused.
 */
export async function handleLifecycle(o: LifecycleOptions | undefined, method: string, _path: string): Promise<LifecycleAnswer> {
  if (o === undefined || !o.enabled()) return { status: 403, body: 'Lifecycle API is not enabled (api.enable_lifecycle).\n' };
  if (method !== 'POST' && method !== 'PUT') return { status: 405, body: `method ${method} is not allowed here; use POST\n`, allow: 'POST, PUT' };
  const refusal = await o.reload();
  return refusal === null ? { status: 200, body: 'configuration reloaded\n' } : { status: 500, body: `failed to reload config: ${refusal}\n` };
}
