// SeriesIndex: refs by label set, definitions, and both surviving close and reopen.
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { crc32c } from '../../../src/store/encoding/crc32c.js';
import { RecordPair, SeriesIndex } from '../../../src/store/series/index.js';
import { expectCairnError, promLabels, seriesDef, tempDir } from '../../support/store-units.js';

const UP_A = promLabels({ __name__: 'up', job: 'api', instance: 'a' });
const UP_B = promLabels({ __name__: 'up', job: 'api', instance: 'b' });
const LOAD = promLabels({ __name__: 'node_load1', instance: 'ünï "q"' });

const DEF_1 = seriesDef({ hashHi: 0xffffffff, hashLo: 7, name: 'http.server.duration', kind: 'histogram', temporality: 'cumulative', unit: 's', resource: [['service.name', 'api']], attributes: [['route', '/é']] });
const DEF_2 = seriesDef({ hashHi: 0x80000000, hashLo: 0xffffffff, name: 'requests', kind: 'sum', temporality: 'delta', monotonic: true, description: 'Requests.' });

describe('SeriesIndex refs', () => {
  it('assigns 0, 1, 2… and the same ref to the same label set', () => {
    const index = SeriesIndex.open(tempDir());
    expect([index.refFor(UP_A), index.refFor(UP_B), index.refFor(LOAD)]).toEqual([0, 1, 2]);
    expect(index.refFor(promLabels({ instance: 'b', job: 'api', __name__: 'up' }))).toBe(1);
    expect(index.refFor(UP_A)).toBe(0);
    expect(index.seriesCount).toBe(3);
    expect(index.labelsOf(2)).toEqual(LOAD);
    expect(index.labelsOf(3)).toBeUndefined();
    index.close();
  });

  it('keeps refs, labels and postings across close and reopen, and never reuses a ref', () => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    [UP_A, UP_B, LOAD].forEach((l) => first.refFor(l));
    first.close();
    const size = first.sizeBytes;
    expect(size).toBe(2 * (statSync(join(dir, 'series.csr')).size + statSync(join(dir, 'definitions.cdf')).size));

    const second = SeriesIndex.open(dir);
    expect(second.stats.series).toEqual({ records: 1, corruptSkipped: 0, repaired: 0, tornBytesTruncated: 0, damage: [] });
    expect(second.sizeBytes).toBe(size);
    expect([second.refFor(LOAD), second.refFor(UP_B), second.refFor(UP_A)]).toEqual([2, 1, 0]);
    expect(second.labelsOf(2)).toEqual(LOAD);
    expect(second.select([{ name: 'job', type: '=', value: 'api' }])).toEqual([0, 1]);
    expect(second.labelValues('instance')).toEqual(['a', 'b', 'ünï "q"']);
    expect(second.refFor(promLabels({ __name__: 'new' }))).toBe(3);
    second.close();

    const third = SeriesIndex.open(dir);
    expect(third.seriesCount).toBe(4);
    expect(third.refFor(promLabels({ __name__: 'newer' }))).toBe(4);
    third.close();
  });

  it('writes refs assigned since the last flush as one block: format byte 1, raw-deflated JSON [ref, labels]', () => {
    const dir = tempDir();
    const path = join(dir, 'series.csr');
    const index = SeriesIndex.open(dir);
    index.refFor(UP_A);
    index.refFor(UP_B);
    expect(statSync(path).size).toBe(16);
    index.flush();
    const size = statSync(path).size;
    index.flush();
    expect(statSync(path).size).toBe(size);
    index.refFor(LOAD);
    index.close();
    const bytes = readFileSync(path);
    expect(bytes.toString('latin1', 0, 8)).toBe('CAIRNSER');
    const blocks: unknown[] = [];
    for (let at = 16; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) {
      const payload = bytes.subarray(at + 8, at + 8 + bytes.readUInt32LE(at));
      expect(bytes.readUInt32LE(at + 4)).toBe(crc32c(payload));
      expect(payload[0]).toBe(1);
      blocks.push(JSON.parse(inflateRawSync(payload.subarray(1)).toString('utf8')));
    }
    expect(blocks).toEqual([[[0, UP_A], [1, UP_B]], [[2, LOAD]]]);
  });
});

describe('SeriesIndex definitions', () => {
  it('adds only new definitions, finds them by hash and keeps them across reopen', () => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    expect(first.hasDefinition(DEF_1.hashHi, DEF_1.hashLo)).toBe(false);
    const [one] = first.otel.assign([DEF_1]);
    expect(first.otel.add([one!])).toEqual([{ ...DEF_1, ref: 0 }]);
    const [oneAgain, two] = first.otel.assign([DEF_1, DEF_2]);
    expect(first.otel.add([oneAgain!, two!])).toEqual([{ ...DEF_2, ref: 2 }]);
    expect(first.otel.add(first.otel.assign([DEF_2]))).toEqual([]);
    expect(first.definition(DEF_2.hashHi, DEF_2.hashLo)).toEqual({ ...DEF_2, ref: 2 });
    expect(first.otel.refOf(DEF_1.hashHi, DEF_1.hashLo)).toBe(0);
    expect(first.otel.byRef(2)).toEqual({ ...DEF_2, ref: 2 });
    // The shared table the decode workers read says the same.
    expect(first.otel.table.get(DEF_2.hashHi, DEF_2.hashLo)).toBe(2);
    first.close();

    const second = SeriesIndex.open(dir);
    expect(second.stats.definitions.records).toBe(2);
    expect(second.definition(DEF_1.hashHi, DEF_1.hashLo)).toEqual({ ...DEF_1, ref: 0 });
    expect(second.definition(DEF_2.hashHi, DEF_2.hashLo)).toEqual({ ...DEF_2, ref: 2 });
    expect(second.hasDefinition(DEF_1.hashHi, DEF_1.hashLo)).toBe(true);
    expect(second.hasDefinition(DEF_1.hashHi, DEF_1.hashLo + 1)).toBe(false);
    expect(second.definition(7, DEF_1.hashHi)).toBeUndefined();
    // References are never reused after a reopen (1 was assigned and never written).
    expect(second.otel.assign([seriesDef({ hashHi: 5, hashLo: 5 })])[0]!.ref).toBe(3);
    second.close();
  });
});

describe('SeriesIndex on damaged files', () => {
  it.each([
    ['series.csr', (b: Buffer) => void (b[3] = b[3]! ^ 0x20)],
    ['definitions.cdf', (b: Buffer) => b.fill(0, 0, 24)],
    ['series.csr', (b: Buffer) => b.fill(0x5a, 0, b.length)],
  ])('opens with %s damaged: everything restored from its copy, counted as repaired', (name, damage) => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    [UP_A, UP_B, LOAD].forEach((l) => first.refFor(l));
    first.otel.add(first.otel.assign([DEF_1, DEF_2]));
    first.close();
    const path = join(dir, name);
    const bytes = readFileSync(path);
    damage(bytes);
    writeFileSync(path, bytes);
    const second = SeriesIndex.open(dir);
    const stats = name === 'series.csr' ? second.stats.series : second.stats.definitions;
    expect(stats.corruptSkipped).toBe(0);
    expect(stats.repaired).toBeGreaterThanOrEqual(1);
    expect([second.refFor(UP_A), second.refFor(UP_B), second.refFor(LOAD)]).toEqual([0, 1, 2]);
    expect(second.definition(DEF_2.hashHi, DEF_2.hashLo)).toEqual({ ...DEF_2, ref: 1 });
    second.close();
    expect(readFileSync(path)).toEqual(readFileSync(join(dir, name.replace('.', '-copy.'))));
  });

  it.each([
    ['an unknown block format', Buffer.from([2, 1, 2, 3])],
    ['a block that does not inflate', Buffer.from([1, 0xff, 0xff, 0xff])],
    ['a block that is not JSON', Buffer.concat([Buffer.from([1]), deflateRawSync(Buffer.from('[[0, ["x"'))])],
  ])('counts a record with %s that passes its CRC as lost, and opens with the rest', (_, block) => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    first.refFor(UP_A);
    first.close();
    const { pair } = RecordPair.open(join(dir, 'series.csr'), join(dir, 'series-copy.csr'), 'CAIRNSER');
    pair.append([block]);
    pair.close();
    const second = SeriesIndex.open(dir);
    expect(second.stats.series).toMatchObject({ records: 2, corruptSkipped: 1, repaired: 0 });
    expect(second.stats.series.damage[0]).toMatchObject({ file: join(dir, 'series.csr'), outcome: 'lost' });
    expect(second.refFor(UP_A)).toBe(0);
    second.close();
  });

  // series.md: refs are never reused, since pages in datafiles refer to series by them. A
  // skipped (CRC-mismatched) last block takes the highest refs with it, and the next ref falls
  // back into that range: pages written for the lost series would be read as the new one's.
  it('never hands out again the refs of a block it had to skip as corrupt', () => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    first.refFor(UP_A);
    first.flush();
    first.refFor(UP_B);
    first.refFor(LOAD);
    first.close();
    // The last block damaged in both copies (a block in one copy alone is restored from the other).
    for (const name of ['series.csr', 'series-copy.csr']) {
      const path = join(dir, name);
      const bytes = readFileSync(path);
      bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 0x01;
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
      writeFileSync(path, bytes);
    }
    const second = SeriesIndex.open(dir);
    expect(second.stats.series.corruptSkipped + second.stats.series.tornBytesTruncated > 0).toBe(true);
    expect(second.labelsOf(1)).toBeUndefined();
    expect(second.refFor(UP_A)).toBe(0);
    // The index cannot know what the skipped block held; the store tells it the highest
    // reference its datafile pages use (DiskStore.start), and new series start above it.
    second.reserveBelow(3);
    expect(second.refFor(promLabels({ __name__: 'new' }))).toBe(3);
    second.close();
  });

  // A crash after a file grew but before its data reached the disk can leave zeros at the end
  // (the WAL guards against this with type != 0). Eight zero bytes read as a record of length 0
  // with CRC 0, which is the CRC-32C of no bytes: a "valid" empty payload, which then fails to
  // decode as a block and stops the store from opening.
  it('opens with a zero-filled tail after its records, keeping every ref and definition', () => {
    const dir = tempDir();
    const first = SeriesIndex.open(dir);
    first.refFor(UP_A);
    first.otel.add(first.otel.assign([DEF_1]));
    first.close();
    appendFileSync(join(dir, 'series.csr'), Buffer.alloc(16));
    appendFileSync(join(dir, 'definitions.cdf'), Buffer.alloc(16));
    const second = SeriesIndex.open(dir);
    expect(second.refFor(UP_A)).toBe(0);
    expect(second.refFor(UP_B)).toBe(1);
    expect(second.definition(DEF_1.hashHi, DEF_1.hashLo)).toEqual({ ...DEF_1, ref: 0 });
    second.close();
  });
});
