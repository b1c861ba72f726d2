// The hand-written Status / RetryInfo / ExportMetricsServiceResponse encoders against protobufjs.
import { describe, expect, it } from 'vitest';
import root from '../../src/generated/otlp.js';
import {
  encodeExportResponseJson,
  encodeExportResponseProto,
  encodeStatusJson,
  encodeStatusProto,
  GrpcCode,
  statusOf,
} from '../../src/receivers/otlp-answers.js';

const { Status, RetryInfo } = root.google.rpc;
const { ExportMetricsServiceResponse } = root.opentelemetry.proto.collector.metrics.v1;
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/** The oracle's reading of a Status, its RetryInfo detail decoded too. */
function readStatus(bytes: Uint8Array): { code: number; message: string; details: { typeUrl: string; retryDelay: unknown }[] } {
  const s = Status.toObject(Status.decode(bytes), { longs: String, defaults: true });
  return {
    code: s['code'],
    message: s['message'],
    details: s['details'].map((d: { typeUrl: string; value: Uint8Array }) => ({
      typeUrl: d.typeUrl,
      retryDelay: RetryInfo.toObject(RetryInfo.decode(d.value), { longs: String, defaults: true })['retryDelay'],
    })),
  };
}

describe('encodeStatusProto', () => {
  it('encodes code and message without details when there is no retry delay', () => {
    expect(readStatus(encodeStatusProto({ code: GrpcCode.INVALID_ARGUMENT, message: 'bad request' }))).toEqual({ code: 3, message: 'bad request', details: [] });
    expect(readStatus(encodeStatusProto({ code: GrpcCode.OK, message: '' }))).toEqual({ code: 0, message: '', details: [] });
  });

  it.each([
    [1500, '1', 500_000_000],
    [1000, '1', 0],
    [999, '0', 999_000_000],
    [60_000, '60', 0],
    [0, '0', 0],
    [0.25, '0', 250_000],
    [86_400_001, '86400', 1_000_000],
  ])('adds a RetryInfo detail for %d ms: %s s + %d ns', (ms, seconds, nanos) => {
    const status = readStatus(encodeStatusProto({ code: GrpcCode.UNAVAILABLE, message: 'busy', retryAfterMs: ms }));
    expect(status).toEqual({ code: 14, message: 'busy', details: [{ typeUrl: RETRY_INFO, retryDelay: { seconds, nanos } }] });
  });

  it('encodes long and non-ASCII messages byte for byte', () => {
    const message = `überlastet ✓ ${'x'.repeat(300)}`;
    const bytes = encodeStatusProto({ code: 14, message, retryAfterMs: 2000 });
    expect(readStatus(bytes).message).toBe(message);
    const reference = Status.encode(Status.fromObject({ code: 14, message })).finish();
    expect(Buffer.from(bytes.subarray(0, reference.length))).toEqual(Buffer.from(reference));
  });

  // Regression (was a bug in src/receivers/otlp-answers.ts encodeStatusProto): nanos is rounded after the seconds
  // were floored, so a delay just under a whole second gives nanos = 1_000_000_000, which is not
  // a valid google.protobuf.Duration (nanos must be below 1e9). Fix: compute whole nanoseconds
  // first, then split: `const total = Math.round(ms * 1e6); seconds = Math.floor(total / 1e9);
  // nanos = total - seconds * 1e9`.
  it('keeps Duration.nanos below one second for a delay of 1999.9999999 ms', () => {
    const status = readStatus(encodeStatusProto({ code: 14, message: 'busy', retryAfterMs: 1999.9999999 }));
    expect(status.details[0]!.retryDelay).toEqual({ seconds: '2', nanos: 0 });
  });
});

describe('encodeStatusJson', () => {
  it('matches the protobuf form, retry delay as a JSON Duration string', () => {
    expect(JSON.parse(encodeStatusJson({ code: 3, message: 'bad "json"' }).toString())).toEqual({ code: 3, message: 'bad "json"' });
    for (const [ms, delay] of [[1500, '1.5s'], [1000, '1s'], [10_000, '10s'], [999, '0.999s'], [10, '0.01s'], [0, '0s'], [100_000, '100s']] as const) {
      const json = JSON.parse(encodeStatusJson({ code: 14, message: 'busy', retryAfterMs: ms }).toString());
      expect(json, `${ms} ms`).toEqual({ code: 14, message: 'busy', details: [{ '@type': RETRY_INFO, retryDelay: delay }] });
    }
  });

  // Regression (was a bug in src/receivers/otlp-answers.ts encodeStatusJson): the JSON delay is printed with three
  // decimals of seconds, so sub-millisecond delays (retry_after accepts `250us`, i.e. 0.25 ms)
  // become "0s" while the protobuf answer says 250000 ns. Fix: print the Duration from the same
  // seconds/nanos as the protobuf form: `${seconds}${nanos ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : ''}s`.
  it('says the same delay as the protobuf form for 0.25 ms', () => {
    const json = JSON.parse(encodeStatusJson({ code: 14, message: 'busy', retryAfterMs: 0.25 }).toString());
    expect(json.details[0].retryDelay).toBe('0.00025s');
  });
});

describe('statusOf', () => {
  it('maps each failure to its gRPC code, with a retry delay only for overload', () => {
    expect(statusOf({ status: 'permanent', reason: 'invalid', message: 'm' })).toEqual({ code: 3, message: 'm' });
    expect(statusOf({ status: 'permanent', reason: 'too_large', message: 'm' })).toEqual({ code: 8, message: 'm' });
    expect(statusOf({ status: 'refused', message: 'm', retryAfterMs: 5 })).toEqual({ code: 14, message: 'm', retryAfterMs: 5 });
    expect(statusOf({ status: 'retryable', message: 'm', retryAfterMs: 7 })).toEqual({ code: 14, message: 'm', retryAfterMs: 7 });
    expect(statusOf({ status: 'permanent', reason: 'internal', message: 'm' })).toEqual({ code: 13, message: 'm' });
  });
});

describe('ExportMetricsServiceResponse', () => {
  const read = (bytes: Uint8Array): Record<string, unknown> => ExportMetricsServiceResponse.toObject(ExportMetricsServiceResponse.decode(bytes), { longs: String });

  it('is empty on full success, in both forms', () => {
    expect(encodeExportResponseProto(0, '').length).toBe(0);
    expect(read(encodeExportResponseProto(0, ''))).toEqual({});
    expect(JSON.parse(encodeExportResponseJson(0, '').toString())).toEqual({});
  });

  it.each([
    [3, 'x'],
    [1, ''],
    [0, 'a warning without rejections'],
    [2 ** 53 - 1, 'ünï ✓ '.repeat(40)],
  ])('carries partial_success for %d rejected points', (rejected, errorMessage) => {
    const partial: Record<string, string> = {};
    if (rejected > 0) partial['rejectedDataPoints'] = String(rejected);
    if (errorMessage !== '') partial['errorMessage'] = errorMessage;
    expect(read(encodeExportResponseProto(rejected, errorMessage))).toEqual({ partialSuccess: partial });
    expect(JSON.parse(encodeExportResponseJson(rejected, errorMessage).toString())).toEqual({ partialSuccess: { rejectedDataPoints: String(rejected), errorMessage } });
  });

  it('encodes (3, "x") byte for byte as protobufjs does', () => {
    const reference = ExportMetricsServiceResponse.encode(ExportMetricsServiceResponse.fromObject({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'x' } })).finish();
    expect(encodeExportResponseProto(3, 'x')).toEqual(Buffer.from(reference));
    expect([...encodeExportResponseProto(3, 'x')]).toEqual([0x0a, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78]);
  });
});
