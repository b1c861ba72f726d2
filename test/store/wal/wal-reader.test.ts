// Readers tail the WAL while it is written: they wake on appends, follow rollover, and report
// segments deleted before they read them.
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { segmentNumber, walPosition, WalCorruptError, WalReader, type WalReadResult } from '../../../src/store/wal/index.js';
import { contents, openWal, payload, rng, segmentFile, tempDir, type Appended } from './helpers.js';

async function drain(reader: WalReader): Promise<WalReadResult[]> {
  const out: WalReadResult[] = [];
  for (let r = await reader.next(); r !== null; r = await reader.next()) out.push(r);
  return out;
}

function recordsOf(results: readonly WalReadResult[]) {
  return results.flatMap((r) => (r.kind === 'record' ? [r] : []));
}

describe('WalReader', () => {
  it('tails a writer across rollovers, waking on each append', async () => {
    const wal = await openWal(await tempDir(), { segmentBytes: 4 << 10 });
    const reader = new WalReader(wal);
    const random = rng(61);
    const written: Appended[] = [];
    const writer = (async () => {
      for (let i = 0; i < 200; i++) {
        const r = { type: 1 + (i % 2), payload: payload(random, 10 + Math.floor(random() * 1500)) };
        written.push(r);
        await wal.append(r.type, r.payload);
        if (i % 7 === 0) await sleep(1);
      }
    })();
    const read: Appended[] = [];
    let waits = 0;
    while (read.length < 200) {
      const r = await reader.next();
      if (r === null) {
        waits++;
        await reader.waitForData();
        continue;
      }
      expect(r.kind).toBe('record');
      if (r.kind === 'record') read.push(r);
    }
    await writer;
    expect(contents(read)).toEqual(contents(written));
    expect(waits).toBeGreaterThan(0);
    expect(wal.segments().length).toBeGreaterThan(10);
    expect(await reader.next()).toBeNull();
    await reader.close();
    await wal.close();
  });

  it('waitForData resolves only when a record is appended', async () => {
    const wal = await openWal(await tempDir());
    const reader = new WalReader(wal);
    expect(await reader.next()).toBeNull();
    let woke = false;
    const waiting = reader.waitForData().then(() => (woke = true));
    await sleep(30);
    expect(woke).toBe(false);
    await wal.append(1, new Uint8Array([9]));
    await waiting;
    const r = await reader.next();
    expect(r).toMatchObject({ kind: 'record', type: 1 });
    await reader.close();
    await wal.close();
  });

  it('waitForData rejects on abort, and with SHUTTING_DOWN when the WAL closes', async () => {
    const wal = await openWal(await tempDir());
    const reader = new WalReader(wal);
    const controller = new AbortController();
    const aborted = reader.waitForData(controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const closing = reader.waitForData();
    await wal.close();
    await expect(closing).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    await expect(reader.waitForData()).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    await reader.close();
  });

  it('resumes exactly after the last record consumed, from a saved cursor, after a restart', async () => {
    const dir = await tempDir();
    let wal = await openWal(dir, { segmentBytes: 2 << 10 });
    for (let i = 0; i < 30; i++) await wal.append(1, new Uint8Array(200).fill(i));
    let reader = new WalReader(wal);
    const firstHalf = recordsOf(await drain(reader)).slice(0, 12);
    await wal.cursors.save('exporter', firstHalf.at(-1)!.next);
    await reader.close();
    await wal.close();

    wal = await openWal(dir, { segmentBytes: 2 << 10 });
    await wal.append(1, new Uint8Array(200).fill(30));
    reader = new WalReader(wal, await wal.cursors.load('exporter'));
    const rest = recordsOf(await drain(reader));
    expect(rest.map((r) => r.payload[0])).toEqual(Array.from({ length: 19 }, (_, i) => 12 + i));
    await reader.close();
    await wal.close();
  });

  it('reports the segments deleted under it as a gap, then reads on', async () => {
    const wal = await openWal(await tempDir(), { segmentBytes: 2 << 10 });
    const random = rng(62);
    const positions = [];
    for (let i = 0; i < 30; i++) positions.push(await wal.append(1, payload(random, 500)));
    const reader = new WalReader(wal);
    const first = await reader.next();
    expect(first).toMatchObject({ kind: 'record', position: positions[0] });
    expect(await wal.deleteSegmentsBefore(segmentNumber(4))).toBe(3);
    const gap = await reader.next();
    expect(gap).toEqual({ kind: 'gap', firstLost: 1, lastLost: 3, lostSegments: 3, next: { segment: 4, offset: 16 } });
    const rest = recordsOf(await drain(reader));
    expect(rest[0]!.position).toEqual(positions.find((p) => p.segment === 4));
    expect(rest.length).toBe(positions.filter((p) => p.segment >= 4).length);
    expect(reader.stats()).toMatchObject({ lostSegments: 3, records: 1 + rest.length });
    await reader.close();
    await wal.close();
  });

  it('does not count a segment it had read to the end as lost', async () => {
    const wal = await openWal(await tempDir(), { segmentBytes: 2 << 10 });
    const random = rng(63);
    const positions = [];
    for (let i = 0; i < 20; i++) positions.push(await wal.append(1, payload(random, 500)));
    const inFirst = positions.filter((p) => p.segment === 1).length;
    const reader = new WalReader(wal);
    for (let i = 0; i < inFirst; i++) expect((await reader.next())!.kind).toBe('record');
    await wal.deleteSegmentsBefore(segmentNumber(2));
    const next = await reader.next();
    expect(next).toMatchObject({ kind: 'record', position: { segment: 2, offset: 16 } });
    expect(reader.stats().lostSegments).toBe(0);
    await reader.close();
    await wal.close();
  });

  it('starts from a cursor older than the WAL with a gap', async () => {
    const wal = await openWal(await tempDir(), { segmentBytes: 2 << 10 });
    const random = rng(64);
    for (let i = 0; i < 20; i++) await wal.append(1, payload(random, 500));
    await wal.deleteSegmentsBefore(segmentNumber(3));
    const reader = new WalReader(wal, walPosition(1, 16));
    expect(await reader.next()).toMatchObject({ kind: 'gap', firstLost: 1, lastLost: 2, lostSegments: 2 });
    await reader.close();
    await wal.close();
  });

  it('reports corrupt bytes with file and offset, then reads on', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir);
    const random = rng(65);
    const positions = [];
    for (let i = 0; i < 10; i++) positions.push(await wal.append(1, payload(random, 300)));
    const fh = await open(segmentFile(dir, 1), 'r+');
    await fh.write(new Uint8Array([0xff, 0xff]), 0, 2, positions[4]!.offset + 100);
    await fh.close();
    const results = await drain(new WalReader(wal));
    expect(results.map((r) => r.kind)).toEqual(['record', 'record', 'record', 'record', 'corrupt', 'record', 'record', 'record', 'record', 'record']);
    const corrupt = results[4]!;
    expect(corrupt.kind === 'corrupt' && corrupt.error).toBeInstanceOf(WalCorruptError);
    expect(corrupt).toMatchObject({ position: positions[4], next: positions[5], error: { file: segmentFile(dir, 1), offset: positions[4]!.offset } });
    await wal.close();
  });
});
