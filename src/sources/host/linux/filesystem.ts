import { statfs as nodeStatfs } from 'node:fs/promises';
import { FILESYSTEM_INODES_USAGE, FILESYSTEM_USAGE, FILESYSTEM_UTILIZATION } from '../semconv.js';
import type { Attributes, HostPaths, MetricSink, Scraper } from '../scraper.js';
import { isExcludedMount, parseMounts, type Mount, type MountFilter } from './mounts.js';
import { readProcFile } from './proc-text.js';

/** The statfs(2) fields used, as node:fs statfs returns them. */
export interface FsStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

export type StatfsFunction = (path: string) => Promise<FsStats>;

export interface FilesystemScraperOptions {
  /** For tests; node:fs statfs otherwise. */
  readonly statfs?: StatfsFunction;
  /** How long one statfs may take before that mount is skipped for this scrape. */
  readonly timeoutMs?: number;
  /** For tests; mountTables(paths) otherwise. */
  readonly mountTables?: MountTables;
}

/** Where the mounts are read: the host's init's table, and our own when it may stand in. */
export interface MountTables {
  readonly host: string;
  readonly own?: string;
}

/**
 * PID 1's table under root_path (the host's init, seen from a container). On the host, PID 1's
 * table too, with our own as the fallback: a sandboxed service (systemd's ProtectSystem=strict)
 * sees every file system remounted read-only in its own table, PID 1 sees them as they are.
 */
export function mountTables(paths: HostPaths): MountTables {
  return paths.root === '' ? { host: '/proc/1/mounts', own: '/proc/self/mounts' } : { host: `${paths.root}/proc/1/mounts` };
}

/**
 * PID 1's mounts when they share our root file system (same device and type at /: our view is
 * the host's, perhaps sandboxed), else our own (PID 1 unreadable, or in another root, as in a
 * container sharing the host's PID namespace without root_path: its mount points are not ours
 * to statfs).
 */
export async function readMounts(tables: MountTables): Promise<Mount[]> {
  if (tables.own === undefined) return parseMounts(await readProcFile(tables.host), tables.host);
  const own = parseMounts(await readProcFile(tables.own), tables.own);
  const host = await readProcFile(tables.host)
    .then((text) => parseMounts(text, tables.host))
    .catch(() => undefined);
  return host !== undefined && sameRoot(host, own) ? host : own;
}

function sameRoot(a: readonly Mount[], b: readonly Mount[]): boolean {
  const ra = a.find((m) => m.mountpoint === '/');
  const rb = b.find((m) => m.mountpoint === '/');
  return ra !== undefined && rb !== undefined && ra.device === rb.device && ra.type === rb.type;
}

export const DEFAULT_STATFS_TIMEOUT_MS = 1000;

/**
 * Space and inodes of every mounted file system the filter lets through. statfs on a dead
 * network mount can block for minutes, holding one of libuv's four threadpool threads: each
 * call gets a deadline, and a mount point whose earlier call is still stuck is skipped until
 * that call returns, so a dead mount never holds more than one thread (as node_exporter does).
 * A mount statfs refuses (EACCES, ENOENT after an unmount) is skipped without complaint.
 */
export function createFilesystemScraper(paths: HostPaths, filter: MountFilter, options: FilesystemScraperOptions = {}): Scraper {
  const tables = options.mountTables ?? mountTables(paths);
  const statfs: StatfsFunction = options.statfs ?? ((path) => nodeStatfs(path));
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATFS_TIMEOUT_MS;
  const pending = new Set<string>();

  const statWithDeadline = (mountpoint: string): Promise<FsStats | undefined> => {
    if (pending.has(mountpoint)) return Promise.resolve(undefined);
    pending.add(mountpoint);
    const call = Promise.resolve()
      .then(() => statfs(`${paths.root}${mountpoint}`))
      .catch(() => undefined)
      .finally(() => pending.delete(mountpoint));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
      timer.unref();
    });
    return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
  };

  return {
    name: 'filesystem',
    async scrape(sink: MetricSink): Promise<void> {
      const mounts = (await readMounts(tables)).filter((m) => !isExcludedMount(m, filter));
      const stats = await Promise.all(mounts.map((m) => statWithDeadline(m.mountpoint)));
      for (let i = 0; i < mounts.length; i++) {
        const s = stats[i];
        if (s !== undefined) reportFilesystem(sink, mounts[i]!, s);
      }
    },
  };
}

function reportFilesystem(sink: MetricSink, m: Mount, s: FsStats): void {
  const device = ['device', m.device] as const;
  const mode = ['mode', m.mode] as const;
  const mountpoint = ['mountpoint', m.mountpoint] as const;
  const type = ['type', m.type] as const;
  // Keys in name order, as everywhere else (state falls between mountpoint and type).
  const withState = (state: string): Attributes => [device, mode, mountpoint, ['state', state], type];
  const used = (s.blocks - s.bfree) * s.bsize;
  const free = s.bavail * s.bsize;
  // Some network and FUSE file systems report more available than free blocks.
  const reserved = Math.max(0, s.bfree - s.bavail) * s.bsize;
  sink.upDown(FILESYSTEM_USAGE, withState('used'), used);
  sink.upDown(FILESYSTEM_USAGE, withState('free'), free);
  sink.upDown(FILESYSTEM_USAGE, withState('reserved'), reserved);
  sink.upDown(FILESYSTEM_INODES_USAGE, withState('used'), s.files - s.ffree);
  sink.upDown(FILESYSTEM_INODES_USAGE, withState('free'), s.ffree);
  // Reserved blocks are out of reach of ordinary users, so they count neither way (as df).
  if (used + free > 0) sink.gauge(FILESYSTEM_UTILIZATION, [device, mode, mountpoint, type], used / (used + free));
}
