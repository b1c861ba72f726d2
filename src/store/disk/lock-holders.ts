import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which processes hold a file open, from `/proc/<pid>/fd` (Linux). The store's LOCK is held
 * open by its owner for as long as it runs, so "holds LOCK open" is the owner test: unlike
 * "a process with the pid written in LOCK exists", it cannot be fooled by a pid reused after
 * a crash or a reboot. Processes whose descriptors we may not read (other users) are skipped:
 * they cannot have opened a 0600 file of ours unless they run as root.
 */
export interface LockHolders {
  /** False where `/proc/self/fd` cannot be read (not Linux, /proc not mounted): callers fall back to pid checks. */
  readonly supported: boolean;
  /** Pids other than ours holding the file open. */
  readonly pids: number[];
}

export function procSupported(): boolean {
  try {
    readdirSync('/proc/self/fd');
    return true;
  } catch {
    return false;
  }
}

/** Pids (other than this process) with `path` open. */
export function lockHolders(path: string): LockHolders {
  if (!procSupported()) return { supported: false, pids: [] };
  let target: { dev: number; ino: number };
  try {
    const st = statSync(path);
    target = { dev: st.dev, ino: st.ino };
  } catch {
    return { supported: true, pids: [] };
  }
  return { supported: true, pids: allPids().filter((pid) => pid !== process.pid && holds(pid, path, target)) };
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function holds(pid: number, path: string, target: { dev: number; ino: number }): boolean {
  const fdDir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return false; // gone, or not ours to inspect
  }
  for (const fd of fds) {
    const link = join(fdDir, fd);
    try {
      // The link text is cheap to compare; stat confirms it is the same file (a path can be renamed).
      const text = readlinkSync(link);
      if (!text.startsWith('/') || !text.endsWith(baseName(path))) continue;
      const st = statSync(link);
      if (st.dev === target.dev && st.ino === target.ino) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
