import type { BatchColumns, SeriesDefinition } from '../model/index.js';

/** What the main thread asks a decode worker to do. The body buffer is transferred. */
export interface DecodeRequest {
  readonly id: number;
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
