import type { Config } from '../../src/config/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { DiskStore } from '../../src/store/index.js';
import { compressExtent, decompressExtent } from '../../src/store/encoding/index.js';
import { Registry } from '../../src/telemetry/index.js';

/** A DiskStore in this process (extents compressed on this thread), started. */
export async function startDiskStore(path: string, over: Partial<Config['store']> = {}): Promise<{ store: DiskStore; registry: Registry }> {
  const registry = new Registry();
  const store = new DiskStore({
    config: { ...defaultConfig.store, path, ...over },
    compress: async (raw) => compressExtent(raw),
    decompress: (bytes, rawLength) => decompressExtent(bytes, rawLength),
    logger: silentLogger,
    registry,
  });
  await store.start();
  return { store, registry };
}
