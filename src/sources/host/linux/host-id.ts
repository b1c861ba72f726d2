import { readFile } from 'node:fs/promises';
import type { HostPaths } from '../scraper.js';

/**
 * The machine id (`host.id` in the OpenTelemetry resource conventions): systemd's
 * /etc/machine-id, else D-Bus's copy, else undefined (an empty or unreadable file counts as
 * absent, as is systemd's first-boot placeholder `uninitialized`).
 */
export async function readHostId(paths: HostPaths): Promise<string | undefined> {
  for (const rel of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = (await readFile(`${paths.root}${rel}`, 'utf8')).trim();
      if (id !== '' && id !== 'uninitialized') return id;
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
