// The fsync policy, seen through stats and through the fsync calls that reach the file layer.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FaultyIo, openWal, payload, rng, tempDir, waitFor } from './helpers.js';

describe('Wal fsync modes', () => {
  it("always: every write is fsynced before its appends resolve, one fsync per batch", async () => {
    const io = new FaultyIo();
    const wal = await openWal(await tempDir(), { fsync: 'always', io });
    const atOpen = io.fsyncCalls; // the new segment and its directory
    for (let i = 0; i < 10; i++) await wal.append(1, new Uint8Array(100));
    expect(wal.stats().fsyncs).toBe(10);
    await Promise.all(Array.from({ length: 50 }, () => wal.append(1, new Uint8Array(100))));
    expect(wal.stats()).toMatchObject({ fsyncs: 11, writes: 11 });
    expect(io.fsyncCalls - atOpen).toBe(11);
    await wal.close();
    expect(wal.stats().fsyncs).toBe(11); // nothing left unsynced to close
  });

  it('never: no fsync while appending; close fsyncs once', async () => {
    const io = new FaultyIo();
    const wal = await openWal(await tempDir(), { fsync: 'never', io });
    for (let i = 0; i < 10; i++) await wal.append(1, new Uint8Array(100));
    expect(wal.stats().fsyncs).toBe(0);
    expect(io.fsyncCalls).toBe(0);
    await wal.close();
    expect(wal.stats().fsyncs).toBe(1);
  });

  it('interval: fsyncs in the background while there is something to sync, not otherwise', async () => {
    const io = new FaultyIo();
    const wal = await openWal(await tempDir(), { fsync: 'interval', fsyncIntervalMs: 20, io });
    await wal.append(1, new Uint8Array(100));
    expect(wal.stats().fsyncs).toBe(0);
    await waitFor(() => wal.stats().fsyncs === 1);
    await sleep(100); // five idle intervals
    expect(wal.stats().fsyncs).toBe(1);
    await wal.append(1, new Uint8Array(100));
    await waitFor(() => wal.stats().fsyncs === 2);
    await wal.close();
  });

  it('interval: fsyncs each segment it rolls over from, in the background', async () => {
    const wal = await openWal(await tempDir(), { fsync: 'interval', fsyncIntervalMs: 60_000, segmentBytes: 1024 });
    const random = rng(41);
    for (let i = 0; i < 10; i++) await wal.append(1, payload(random, 500));
    expect(wal.segments().length).toBe(10);
    await wal.close(); // waits for the background fsyncs
    expect(wal.stats().fsyncs).toBe(10); // 9 rolled-over segments + the last one at close
  });

  it('never: rolls over without fsync', async () => {
    const io = new FaultyIo();
    const wal = await openWal(await tempDir(), { fsync: 'never', segmentBytes: 1024, io });
    const random = rng(42);
    for (let i = 0; i < 10; i++) await wal.append(1, payload(random, 500));
    await wal.close();
    expect(io.fsyncCalls).toBe(1); // close
  });

  it('sync() fsyncs now in any mode', async () => {
    const wal = await openWal(await tempDir(), { fsync: 'never' });
    await wal.append(1, new Uint8Array(10));
    await wal.sync();
    expect(wal.stats().fsyncs).toBe(1);
    await wal.sync(); // nothing new: no fsync
    expect(wal.stats().fsyncs).toBe(1);
    await wal.close();
  });

  it('a failed background fsync is counted and retried; acknowledged records stay', async () => {
    const io = new FaultyIo();
    const wal = await openWal(await tempDir(), { fsync: 'interval', fsyncIntervalMs: 10, io });
    await wal.append(1, new Uint8Array(10));
    io.failFsync = 'EIO';
    await waitFor(() => wal.stats().failedFsyncs > 0);
    io.failFsync = null;
    await waitFor(() => wal.stats().fsyncs === 1);
    await wal.close();
  });
});
