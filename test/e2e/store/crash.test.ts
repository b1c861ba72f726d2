import { afterAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import { Rng } from '../../support/otlp-gen.js';
import type { RunningAgent, StoreKeys } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { datafiles, walSegments } from '../../support/store-files.js';

// SIGKILL under sustained ingest, at seeded random moments, then a restart on the same
// directory: every acknowledged point must come back exactly. An acknowledgement means the
// batch reached the OS (and the disk, with fsync always), so a killed process loses nothing.

const dir = tempDir('cairn-crash-');
const alive: RunningAgent[] = [];
afterAll(async () => {
  await Promise.all(alive.map((a) => a.kill()));
  dir.remove();
});

const storeKeys = (fsync: 'always' | 'interval'): StoreKeys => ({
  max_disk_bytes: '256MiB',
  datafile_bytes: '64KiB',
  page_points: 32,
  page_max_age: '1h',
  wal: { segment_bytes: '64KiB', fsync, fsync_interval: '1s' },
});

interface Variant {
  readonly fsync: 'always' | 'interval';
  /** Seeds the kill delays: 250–2200 ms after ingest starts, except cycle 2 (5.5–6.3 s, past the store's 5 s maintenance). */
  readonly seed: number;
  /** Kill/restart cycles. */
  readonly cycles: number;
}

const VARIANTS: Variant[] = [
  { fsync: 'always', seed: 0xc0ffee, cycles: 6 },
  { fsync: 'interval', seed: 0xbadcafe, cycles: 5 },
];

describe.each(VARIANTS)('SIGKILL during ingest, store.wal.fsync $fsync', ({ fsync, seed, cycles }) => {
  it(`loses no acknowledged point over ${cycles} kill/restart cycles (seed ${seed.toString(16)})`, { timeout: 60_000 }, async () => {
    const storePath = `${dir.dir}/store-${fsync}`;
    const config = writeStoreConfig(dir.dir, `crash-${fsync}.yaml`, storePath, storeKeys(fsync));
    const rng = new Rng(seed);
    const load = new AckedLoad({ prefix: `crash_${fsync}`, senders: 3, seriesPerSender: 3, pointsPerRequest: 4, baseMs: baseTimeMs(48), stepMs: 1000 });
    const log: string[] = [];
    let agent = await startStoreAgent(config);
    alive.push(agent);
    for (let cycle = 0; cycle < cycles; cycle++) {
      // One cycle lasts past the 5 s maintenance tick, so WAL segments get deleted and
      // datafiles synced before a kill; the others kill at random points in the first seconds.
      const delay = cycle === 2 ? 5500 + rng.int(0, 800) : rng.int(250, 2200);
      const run = load.run(agent.grpc);
      // The random delay counts from the first acknowledgement: on a loaded machine the first
      // requests (new series, a worker starting) can take longer than the shortest delays.
      await Promise.race([run.firstAck, sleep(20_000)]);
      await sleep(delay);
      await agent.kill();
      run.stop();
      const acked = await run.done;
      expect(acked, `cycle ${cycle}: no request was acknowledged in ${delay} ms; failures ${JSON.stringify(load.failures)} ${load.lastFailure}; odd ${JSON.stringify(load.oddAnswers.slice(0, 3))}; stderr ${agent.cairn.stderrLines.slice(-5).join(" / ")}`).toBeGreaterThan(0);
      log.push(`cycle ${cycle}: killed after ${delay} ms, ${acked} requests acknowledged, wal ${walSegments(storePath).length} segments, ${datafiles(storePath).length} datafiles`);

      agent = await startStoreAgent(config);
      alive.push(agent);
      expect(agent.storeOpened, 'store opened').toMatchObject({ msg: 'store opened' });
      const v = await load.check(agent.api);
      log.push(`  restart: ${JSON.stringify({ pages: agent.storeOpened['pages'], records: agent.storeOpened['records'], torn: agent.storeOpened['tornTailBytesTruncated'], corrupt: agent.storeOpened['corruptRecordsSkipped'] })}, checked ${v.checked}`);
      expect(v.checked).toBe(load.ackedPoints());
      expect(v.missing.length, `cycle ${cycle}: acknowledged points lost or wrong after restart:\n${v.missing.slice(0, 10).join('\n')}\n${log.join('\n')}`).toBe(0);
      expect(v.foreign.length, `cycle ${cycle}: values that were never sent:\n${v.foreign.slice(0, 10).join('\n')}`).toBe(0);
    }
    expect(load.oddAnswers.slice(0, 10)).toEqual([]);
    // The WAL was trimmed at least once (segments are deleted after their pages are written).
    expect(walSegments(storePath)[0]?.name).not.toBe('00000001.wal');
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    console.log(`[crash ${fsync}] ${load.ackedPoints()} acknowledged points\n${log.join('\n')}`);
  });
});
