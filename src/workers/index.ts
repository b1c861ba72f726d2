export type { WorkerOpMap, WorkerPool, WorkerPoolOptions, WorkerPoolStats } from './pool.js';
import { workerScript } from './pool.js';
export { createWorkerPool, WorkerLostError, workerScript } from './pool.js';
export type { CompressReply, CompressRequest, DecodeReply, DecodeRequest, DecodeWorkerData, EncodePagesReply, EncodePagesRequest, RollupReply, RollupRequest, RollupSpec, WorkerMessage, WorkerOps } from './messages.js';
export { decodeSeriesParts, SOURCE_STRIDE } from './decode/proto-definition.js';
export { DecodeError } from './decode/decode-error.js';
export { OtlpProtoDecoder } from './decode/otlp-proto.js';
export { decodeOtlpJson } from './decode/otlp-json.js';

/** The decode worker's entry module (this folder's compiled decode-worker.js). */
export const decodeWorkerScript = (): URL => workerScript('decode-worker', import.meta.url);
export { SharedRegions } from './memory-regions.js';
export { replyViews } from './decode/reply-layout.js';
export type { ReplyLayout } from './decode/reply-layout.js';
