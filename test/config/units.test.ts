import { describe, expect, it } from 'vitest';
import { parseBytes, parseDuration, parseEndpoint } from '../../src/config/index.js';

describe('parseBytes', () => {
  it.each([
    [0, 0],
    [4096, 4096],
    ['4096', 4096],
    ['100B', 100],
    ['512KiB', 512 * 1024],
    ['64MiB', 64 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['2TiB', 2 * 1024 ** 4],
    ['1.5MiB', 1.5 * 1024 ** 2],
    ['1kB', 1000],
    ['1KB', 1000],
    ['16MB', 16_000_000],
    ['3GB', 3e9],
    ['1TB', 1e12],
    [' 16 MiB ', 16 * 1024 ** 2],
  ])('%j → %d', (input, bytes) => {
    expect(parseBytes(input)).toBe(bytes);
  });

  it.each([
    ['16 Mebibytes'],
    ['16mib'],
    ['MiB'],
    [''],
    ['-1MiB'],
    ['1.5B'],
    ['0.1KiB'],
    ['1e3'],
    ['.5MiB'],
    ['16MiBs'],
    ['99999999TiB'],
    [-1],
    [1.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [true],
    [null],
    [undefined],
    [{}],
  ])('rejects %j', (input) => {
    expect(parseBytes(input)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [1500, 1500],
    [0.5, 0.5],
    ['250', 250],
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1.1s', 1100],
    ['1.5h', 5_400_000],
    ['1m30s500ms', 90_500],
    [' 10s ', 10_000],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['10x'],
    ['10 s'],
    ['s'],
    ['1h 30m'],
    ['-1s'],
    ['10sec'],
    ['1.s'],
    [''],
    [-5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [false],
    [null],
    [[1]],
  ])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['127.0.0.1:4317', '127.0.0.1', 4317],
    ['0.0.0.0:0', '0.0.0.0', 0],
    ['localhost:65535', 'localhost', 65535],
    ['otel-collector.example.com:4318', 'otel-collector.example.com', 4318],
    ['[::1]:4317', '::1', 4317],
    ['[::]:4317', '::', 4317],
  ])('%s → %s port %d', (input, host, port) => {
    expect(parseEndpoint(input)).toEqual({ host, port });
  });

  it.each([
    ['127.0.0.1'],
    ['127.0.0.1:'],
    [':4317'],
    ['127.0.0.1:70000'],
    ['127.0.0.1:-1'],
    ['127.0.0.1:43a7'],
    ['::1:4317'],
    ['[::1]'],
    ['[not-ipv6]:4317'],
    ['10.0.0.256:4317'],
    ['-bad-.example:4317'],
    ['under_score:4317'],
    ['http://localhost:4317'],
    [''],
  ])('rejects %j', (input) => {
    expect(parseEndpoint(input)).toBeUndefined();
  });
});
