import type { ProcessorConfig } from '../config/index.js';
import type { DecodeLimits } from './decode/decode-limits.js';
import type { ReplyLayout } from './decode/reply-layout.js';

/**
 * Decode one export request body: in the worker's shared request region `region` (its first
 * `length` bytes), or transferred in `body` when it did not fit (region -1).
 */
export interface DecodeRequest {
  readonly format: 'protobuf' | 'json';
  readonly gzip: boolean;
  /** Largest body accepted after decompression. */
  readonly maxBytes: number;
  readonly region: number;
  readonly body: ArrayBuffer | null;
  readonly offset: number;
  readonly length: number;
  /** The shared reply region to write the reply into, or -1 (then a buffer is transferred back). */
  readonly replyRegion: number;
}

/** A worker's own shared memory for request bodies and replies (memory-regions.ts). */
export interface RegionsMessage {
  readonly requests: SharedArrayBuffer;
  readonly replies: SharedArrayBuffer;
  readonly regionBytes: number;
}


export type DecodeReply =
  | {
      readonly id: number;
      readonly status: 'ok';
      readonly accepted: number;
      readonly rejected: number;
      readonly errorMessage: string;
      readonly exemplarsDropped: number;
      /** Points changed or dropped by each processor rule, by rule label; only rules with any. */
      readonly ruleHits: readonly (readonly [string, number])[];
      /** Points refused per limit (configuration key); only limits with any. */
      readonly limitRefusals: readonly (readonly [string, number])[];
      /** Series reserved under the shared series limits, to settle after the append (hash hi, hash lo, store series, metric slot)×n. */
      readonly reservations: readonly number[];
      readonly minute: number;
      /** Taken from the in-flight budget by the worker for this request (inflated body, parse tree, reply): the main thread releases it. */
      readonly reservedBytes: number;
      readonly layout: ReplyLayout;
      /** The reply, when it did not fit the shared reply region (else it is there). */
      readonly buffer: ArrayBuffer | null;
    }
  | { readonly id: number; readonly status: 'invalid' | 'too_large' | 'internal' | 'refused'; readonly message: string };

/** The store's shared table of series references, sent to every worker (and again when it grows). */
export interface SeriesTableMessage {
  readonly buffer: SharedArrayBuffer;
}

/**
 * What a decode worker decodes under: the limits and the attribute processors (as configured;
 * each worker compiles them), with the HMAC keys of hash-mode redact rules by rule position.
 * Workers start with it (workerData) and get it again on every reload ('config').
 */
export interface DecodeWorkerData {
  readonly limits: DecodeLimits;
  readonly processors: readonly ProcessorConfig[];
  readonly hashKeys: readonly (Uint8Array | undefined)[];
}

/** Compress one extent's raw bytes (transferred). */
export interface CompressRequest {
  readonly raw: ArrayBuffer;
}

export type CompressReply = { readonly id: number; readonly status: 'ok'; readonly bytes: Uint8Array } | { readonly id: number; readonly status: 'internal'; readonly message: string };

/**
 * Encode pages with the store's page codec, from the head's compressed chunks (concatenated in
 * `chunks`, the i-th at `offsets[i]` with `bits[i]` bits and `counts[i]` samples).
 */
export interface EncodePagesRequest {
  readonly chunks: Uint8Array;
  readonly offsets: Uint32Array;
  readonly bits: Uint32Array;
  readonly counts: Uint32Array;
}

/** How rows are rolled up: the tier's resolution and the t-digest compression of sketched series. */
export interface RollupSpec {
  readonly resolutionMs: number;
  readonly sketchDelta: number;
}

export type EncodePagesReply =
  | { readonly id: number; readonly status: 'ok'; readonly bytes: Uint8Array; readonly lengths: Uint32Array }
  | { readonly id: number; readonly status: 'internal'; readonly message: string };

/**
 * Roll pages of several series up (a tier's pending pages, catch-up): `pages` concatenated
 * (`lengths`), `groups[g]` consecutive pages per series, each group's pages in time order.
 * `source` raw: raw pages (page.md) → one rollup page per group at `resolutionMs`, with
 * sketches where `sketch[g]` is 1. `source` rollup: rollup pages → one joined page per group.
 * With `nextResolutionMs` > 0, each group's page is followed by its rows at that resolution.
 */
export interface RollupRequest extends RollupSpec {
  readonly source: 'raw' | 'rollup';
  readonly pages: Uint8Array;
  readonly lengths: Uint32Array;
  readonly groups: Uint32Array;
  readonly sketch: Uint8Array;
  readonly nextResolutionMs: number;
}

export type RollupReply =
  | { readonly id: number; readonly status: 'ok'; readonly bytes: Uint8Array; readonly lengths: Uint32Array }
  | { readonly id: number; readonly status: 'internal'; readonly message: string };

/** What the agent's worker answers, by op; the pool adds `op` and `id` to each request. */
export interface WorkerOps {
  readonly decode: { readonly request: DecodeRequest; readonly reply: DecodeReply };
  readonly compress: { readonly request: CompressRequest; readonly reply: CompressReply };
  readonly 'encode-pages': { readonly request: EncodePagesRequest; readonly reply: EncodePagesReply };
  readonly rollup: { readonly request: RollupRequest; readonly reply: RollupReply };
  /** Broadcast, never answered. */
  readonly 'series-table': { readonly request: SeriesTableMessage; readonly reply: never };
  /** Sent to one worker when it starts, never answered. */
  readonly regions: { readonly request: RegionsMessage; readonly reply: never };
  /** Broadcast on reload, never answered. */
  readonly config: { readonly request: DecodeWorkerData; readonly reply: never };
  /** The shared in-flight budget (SharedBudget), broadcast once; never answered. */
  readonly budget: { readonly request: { readonly buffer: SharedArrayBuffer }; readonly reply: never };
  /** The shared series limits (SharedSeriesLimits), broadcast once; never answered. */
  readonly 'series-limits': { readonly request: { readonly buffer: SharedArrayBuffer }; readonly reply: never };
}

/** A request as the worker receives it. */
export type WorkerMessage = { [K in keyof WorkerOps]: WorkerOps[K]['request'] & { readonly op: K; readonly id: number } }[keyof WorkerOps];
