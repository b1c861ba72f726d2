import { describe, expect, it } from 'vitest';
import { requestOutcomeOf } from '../../src/pipeline/index.js';
import { GrpcCode } from '../../src/receivers/index.js';
import { grpcRequestOutcome, httpRequestOutcome } from '../../src/receivers/otlp-answers.js';

// The outcome label of cairn_receiver_request_duration_seconds: the same for the same answer,
// whichever protocol carried it.

describe('request outcomes', () => {
  it('label pipeline outcomes', () => {
    expect(requestOutcomeOf({ status: 'ok', accepted: 3, rejected: 0, errorMessage: '' })).toBe('ok');
    expect(requestOutcomeOf({ status: 'ok', accepted: 2, rejected: 1, errorMessage: 'bad point' })).toBe('partial');
    expect(requestOutcomeOf({ status: 'ok', accepted: 2, rejected: 0, errorMessage: 'a warning' })).toBe('partial');
    expect(requestOutcomeOf({ status: 'permanent', reason: 'invalid', message: '' })).toBe('invalid');
    expect(requestOutcomeOf({ status: 'permanent', reason: 'too_large', message: '' })).toBe('invalid');
    expect(requestOutcomeOf({ status: 'refused', message: '', retryAfterMs: 1 })).toBe('refused');
    expect(requestOutcomeOf({ status: 'retryable', message: '', retryAfterMs: 1 })).toBe('refused');
    expect(requestOutcomeOf({ status: 'permanent', reason: 'internal', message: '' })).toBe('error');
  });

  it('label gRPC statuses as the pipeline outcomes they carry', () => {
    expect(grpcRequestOutcome(GrpcCode.OK, false)).toBe('ok');
    expect(grpcRequestOutcome(GrpcCode.OK, true)).toBe('partial');
    expect(grpcRequestOutcome(GrpcCode.UNAVAILABLE, false)).toBe('refused');
    expect(grpcRequestOutcome(GrpcCode.INVALID_ARGUMENT, false)).toBe('invalid');
    expect(grpcRequestOutcome(GrpcCode.RESOURCE_EXHAUSTED, false)).toBe('invalid');
    expect(grpcRequestOutcome(GrpcCode.INTERNAL, false)).toBe('error');
    expect(grpcRequestOutcome(GrpcCode.CANCELLED, false)).toBe('aborted');
    expect(grpcRequestOutcome(GrpcCode.DEADLINE_EXCEEDED, false)).toBe('aborted');
  });

  it('label HTTP statuses as the pipeline outcomes they carry', () => {
    expect(httpRequestOutcome(200)).toBe('ok');
    for (const s of [400, 404, 405, 413, 415]) expect(httpRequestOutcome(s)).toBe('invalid');
    for (const s of [429, 503]) expect(httpRequestOutcome(s)).toBe('refused');
    expect(httpRequestOutcome(500)).toBe('error');
  });
});
