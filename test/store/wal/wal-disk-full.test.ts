// A disk that refuses writes: appends fail with StoreUnavailableError, nothing already written
// is damaged, and appending works again once space returns.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { StoreUnavailableError } from '../../../src/store/errors.js';
import type { WalPosition } from '../../../src/store/wal/index.js';
import { contents, FaultyIo, openWal, payload, replayAll, rng, segmentFile, tempDir, type Appended } from './helpers.js';

describe('Wal on a failing disk (injected faults)', () => {
  it('refuses every append of a failed write, truncates the partial bytes, and resumes', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const wal = await openWal(dir, { io, segmentBytes: 1 << 20 });
    const random = rng(51);
    const kept: Appended[] = [];
    for (let i = 0; i < 10; i++) {
      const r = { type: 2, payload: payload(random, 300) };
      await wal.append(r.type, r.payload);
      kept.push(r);
    }
    const sizeBefore = (await stat(segmentFile(dir, 1))).size;

    io.failWrites = 'ENOSPC';
    io.partialBytes = 123; // the disk filled up partway through the write
    const refused = await Promise.allSettled([1, 2, 3].map(() => wal.append(2, payload(random, 300))));
    for (const r of refused) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as StoreUnavailableError;
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err.code).toBe(ErrorCodes.STORE_UNAVAILABLE);
      expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    expect((await stat(segmentFile(dir, 1))).size).toBe(sizeBefore);
    expect(wal.segments().at(-1)!.bytes).toBe(sizeBefore);
    expect(wal.stats()).toMatchObject({ failedWrites: 1, recordsAppended: 10 });

    io.failWrites = null;
    const resumed: WalPosition[] = [];
    for (let i = 0; i < 2; i++) {
      const r = { type: 1, payload: payload(random, 300) };
      resumed.push(await wal.append(r.type, r.payload));
      kept.push(r);
    }
    expect(resumed[0]!.offset).toBe(sizeBefore);
    expect(contents((await replayAll(wal)).records)).toEqual(contents(kept));
    await wal.close();

    const reopened = await openWal(dir);
    const { records, stats } = await replayAll(reopened);
    expect(contents(records)).toEqual(contents(kept));
    expect(stats).toMatchObject({ corruptRecordsSkipped: 0, tornTailBytesTruncated: 0 });
    await reopened.close();
  });

  it('refuses appends whose fsync failed under fsync always, and takes their bytes back out', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const wal = await openWal(dir, { io, fsync: 'always' });
    await wal.append(1, new Uint8Array([1]));
    const size = wal.segments().at(-1)!.bytes;
    io.failFsync = 'EIO';
    await expect(wal.append(1, new Uint8Array([2]))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await stat(segmentFile(dir, 1))).size).toBe(size);
    io.failFsync = null;
    await wal.append(1, new Uint8Array([3]));
    expect((await replayAll(wal)).records.map((r) => r.payload[0])).toEqual([1, 3]);
    await wal.close();
  });

  it('refuses appends when the next segment cannot be created, and rolls over later', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const wal = await openWal(dir, { io, segmentBytes: 1024 });
    const random = rng(52);
    const first = payload(random, 600);
    await wal.append(1, first);
    io.failOpenForWrite = 'ENOSPC';
    await expect(wal.append(1, payload(random, 600))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual(['00000001.wal']);
    io.failOpenForWrite = null;
    const next = payload(random, 600);
    expect((await wal.append(1, next)).segment).toBe(2);
    expect(contents((await replayAll(wal)).records)).toEqual(contents([{ type: 1, payload: first }, { type: 1, payload: next }]));
    await wal.close();
  });

  it('refuses the rest of a batch after a failed run, so no record lands after a hole', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const wal = await openWal(dir, { io, segmentBytes: 1024 });
    const random = rng(53);
    await wal.append(1, payload(random, 600));
    io.failOpenForWrite = 'ENOSPC'; // the batch needs a rollover after its first record
    const results = await Promise.allSettled([wal.append(1, payload(random, 300)), wal.append(1, payload(random, 600)), wal.append(1, payload(random, 10))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await wal.close();
  });
});

// A real full filesystem: a 512 KiB tmpfs. Needs root and permission to mount (not in most containers).
const mountPoint = mkdtempSync(join(tmpdir(), 'cairn-wal-tmpfs-'));
let skipReason: string | null = null;
if (process.platform !== 'linux') skipReason = 'tmpfs mounts need Linux';
else if (process.getuid?.() !== 0) skipReason = 'mounting a tmpfs needs root';
else {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (err) {
    skipReason = `mount -t tmpfs not permitted here (${(err as Error).message.split('\n')[0]})`;
  }
}
afterAll(() => {
  if (skipReason === null) execFileSync('umount', [mountPoint]);
  rmdirSync(mountPoint);
});

describe.skipIf(skipReason !== null)(`Wal on a full tmpfs${skipReason === null ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('refuses appends when the filesystem is full, keeps everything before, resumes after space is freed', async () => {
    const dir = join(mountPoint, 'wal');
    const wal = await openWal(dir, { segmentBytes: 64 << 10, fsync: 'always' });
    const random = rng(54);
    const acknowledged: Appended[] = [];
    let refusal: unknown = null;
    for (let i = 0; i < 200 && refusal === null; i++) {
      const r = { type: 2, payload: payload(random, 8000) };
      try {
        await wal.append(r.type, r.payload);
        acknowledged.push(r);
      } catch (err) {
        refusal = err;
      }
    }
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    expect(acknowledged.length).toBeGreaterThan(20);
    // Whatever the refused write got onto the disk was taken back out.
    for (const s of wal.segments()) expect((await stat(segmentFile(dir, s.segment))).size).toBe(s.bytes);
    expect(contents((await replayAll(wal)).records)).toEqual(contents(acknowledged));

    // Space returns: retention deletes the oldest segments.
    const oldest = wal.segments().slice(0, 3);
    const dropped = acknowledged.length;
    expect(await wal.deleteSegmentsBefore(oldest[2]!.segment)).toBe(2);
    const after = { type: 1, payload: payload(random, 8000) };
    await wal.append(after.type, after.payload);
    await wal.close();

    const reopened = await openWal(dir, { segmentBytes: 64 << 10 });
    const { records, stats } = await replayAll(reopened);
    expect(stats.corruptRecordsSkipped).toBe(0);
    expect(contents(records).at(-1)).toEqual(contents([after])[0]);
    expect(records.length).toBeLessThan(dropped + 1);
    await reopened.close();
    for (const f of await readdir(dir)) if (f.endsWith('.wal')) await unlink(join(dir, f));
  });
});
