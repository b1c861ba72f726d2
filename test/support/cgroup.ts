import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A memory cgroup (v1 or v2) a child process is started in, as systemd's MemoryMax= or a container limit would hold it. */
export interface MemoryCgroup {
  readonly path: string;
  /** A command prefix that moves the shell into the cgroup, then runs `"$0" "$@"` (the real command). */
  readonly prefix: readonly string[];
  /** Times the kernel OOM-killed a process in it. */
  oomKills(): number;
  /** The most memory charged to it so far (anonymous and page cache), in bytes. */
  peakBytes(): number;
  remove(): void;
}

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

/** A new memory cgroup limited to `limitBytes`, or why none can be made here (not root, no memory controller). */
export function memoryCgroup(name: string, limitBytes: number): MemoryCgroup | { readonly unavailable: string } {
  const v2 = existsSync(join(V2, 'cgroup.controllers')) && readFileSync(join(V2, 'cgroup.controllers'), 'utf8').includes('memory');
  const base = v2 ? V2 : existsSync(join(V1, 'memory.limit_in_bytes')) ? V1 : undefined;
  if (base === undefined) return { unavailable: 'no cgroup memory controller mounted' };
  const path = join(base, `${name}-${process.pid}`);
  try {
    mkdirSync(path);
  } catch (err) {
    return { unavailable: `cannot create a memory cgroup: ${(err as Error).message}` };
  }
  try {
    writeFileSync(join(path, v2 ? 'memory.max' : 'memory.limit_in_bytes'), String(limitBytes));
    // v1 without swap accounting has no memsw file (and the machine may have no swap at all).
    const memsw = join(path, 'memory.memsw.limit_in_bytes');
    if (!v2 && existsSync(memsw)) writeFileSync(memsw, String(limitBytes));
  } catch (err) {
    rmdirSync(path);
    return { unavailable: `cannot limit a memory cgroup: ${(err as Error).message}` };
  }
  const procs = join(path, 'cgroup.procs');
  return {
    path,
    prefix: ['/bin/sh', '-c', `echo $$ > ${procs} && exec "$0" "$@"`],
    oomKills() {
      const text = readFileSync(join(path, v2 ? 'memory.events' : 'memory.oom_control'), 'utf8');
      return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0);
    },
    peakBytes() {
      return Number(readFileSync(join(path, v2 ? 'memory.peak' : 'memory.max_usage_in_bytes'), 'utf8'));
    },
    remove() {
      try {
        rmdirSync(path);
      } catch {
        // still has a process (a test that failed): the OS cleans it up with the process
      }
    },
  };
}
