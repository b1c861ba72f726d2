import type { BatchColumns, SeriesDefinition } from '../model/index.js';

/** Decode one export request body (transferred). */
export interface DecodeRequest {
  readonly format: 'protobuf' | 'json';
  readonly gzip: boolean;
  /** Largest body accepted after decompression. */
  readonly maxBytes: number;
  readonly body: ArrayBuffer;
  readonly offset: number;
  readonly length: number;
}


export type DecodeReply =
  | {
      readonly id: number;
      readonly status: 'ok';
      readonly columns: BatchColumns;
      /** The (decompressed) request bytes, handed back so new series can be materialized. */
      readonly body: Uint8Array;
      readonly sources: Uint32Array;
      /** JSON requests carry their definitions ready-made. */
      readonly definitions: SeriesDefinition[] | null;
      readonly accepted: number;
      readonly rejected: number;
      readonly errorMessage: string;
      readonly exemplarsDropped: number;
      readonly decodedBytes: number;
    }
  | { readonly id: number; readonly status: 'invalid' | 'too_large' | 'internal'; readonly message: string };

/** Data a decode worker is started with. */
export interface DecodeWorkerData {
  readonly maxAttributeBytes: number;
  readonly maxAttributes: number;
}

/** Compress one extent's raw bytes (transferred). */
export interface CompressRequest {
  readonly raw: ArrayBuffer;
}

export type CompressReply = { readonly id: number; readonly status: 'ok'; readonly bytes: Uint8Array } | { readonly id: number; readonly status: 'internal'; readonly message: string };

/** Encode pages (their samples concatenated, `counts` per page) with the store's page codec. */
export interface EncodePagesRequest {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly counts: Uint32Array;
}

export type EncodePagesReply =
  | { readonly id: number; readonly status: 'ok'; readonly bytes: Uint8Array; readonly lengths: Uint32Array }
  | { readonly id: number; readonly status: 'internal'; readonly message: string };

/** What the agent's worker answers, by op; the pool adds `op` and `id` to each request. */
export interface WorkerOps {
  readonly decode: { readonly request: DecodeRequest; readonly reply: DecodeReply };
  readonly compress: { readonly request: CompressRequest; readonly reply: CompressReply };
  readonly 'encode-pages': { readonly request: EncodePagesRequest; readonly reply: EncodePagesReply };
}

/** A request as the worker receives it. */
export type WorkerMessage = { [K in keyof WorkerOps]: WorkerOps[K]['request'] & { readonly op: K; readonly id: number } }[keyof WorkerOps];
