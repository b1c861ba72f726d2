import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { DecodeError } from './decode/decode-error.js';
import type { IdentityCache } from './decode/otlp-json.js';
import { decodeOtlpJson } from './decode/otlp-json.js';
import type { DecodeOutcome } from './decode/otlp-proto.js';
import { OtlpProtoDecoder } from './decode/otlp-proto.js';
import { ReplyPreparer } from './decode/prepare-reply.js';
import { SharedRegions } from './shared-regions.js';
import type { CompressReply, CompressRequest, DecodeReply, DecodeRequest, DecodeWorkerData, EncodePagesReply, EncodePagesRequest, WorkerMessage } from './messages.js';
import { packPages, rollup } from './rollup-ops.js';
import { rollupPageSamples } from '../store/rollup/index.js';
import { compressExtent, encodePage } from '../store/encoding/index.js';
import { decodeChunk } from '../store/head/index.js';

// Entry point of a decode worker thread: decompress, decode, normalize, build the WAL record,
// reply with one buffer.
const data = workerData as DecodeWorkerData;
const limits = { maxAttributeBytes: data.maxAttributeBytes, maxAttributes: data.maxAttributes, maxBucketsPerPoint: data.maxBucketsPerPoint, maxNewSeriesPerRequest: data.maxNewSeriesPerRequest };
const protoDecoder = new OtlpProtoDecoder(limits);
const jsonIdentities: IdentityCache = new Map();
const preparer = new ReplyPreparer();
const known = (hi: number, lo: number): boolean => preparer.refOf(hi, lo) >= 0;
protoDecoder.knownBy(known);
const port = parentPort!;
let requests: SharedRegions | null = null;
let replies: SharedRegions | null = null;

port.on('message', (req: WorkerMessage) => {
  switch (req.op) {
    case 'series-table':
      preparer.useTable(req.buffer);
      return;
    case 'regions':
      requests = new SharedRegions(req.requests.byteLength / req.regionBytes, req.regionBytes, req.requests);
      replies = new SharedRegions(req.replies.byteLength / req.regionBytes, req.regionBytes, req.replies);
      return;
    case 'encode-pages': {
      const out = encodePages(req);
      const transfer = out.status === 'ok' ? [out.bytes, out.lengths, out.rollupBytes, out.rollupLengths].flatMap((a) => (a === undefined ? [] : [a.buffer as ArrayBuffer])) : [];
      port.postMessage(out, transfer);
      return;
    }
    case 'rollup': {
      const out = rollup(req);
      port.postMessage(out, out.status === 'ok' ? [out.bytes.buffer as ArrayBuffer, out.lengths.buffer as ArrayBuffer] : []);
      return;
    }
    case 'compress': {
      const out = compress(req);
      port.postMessage(out, out.status === 'ok' ? [out.bytes.buffer as ArrayBuffer] : []);
      return;
    }
    case 'decode': {
      const reply = handle(req);
      port.postMessage(reply, reply.status === 'ok' && reply.buffer !== null ? [reply.buffer] : []);
    }
  }
});

function handle(req: DecodeRequest & { id: number }): DecodeReply {
  let body: Uint8Array = req.body !== null ? new Uint8Array(req.body, req.offset, req.length) : requests!.view(req.region, req.length);
  if (req.gzip) {
    try {
      const inflated = gunzipSync(body, { maxOutputLength: req.maxBytes });
      body = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return { id: req.id, status: 'too_large', message: `request body is larger than ${req.maxBytes} bytes once decompressed` };
      }
      return { id: req.id, status: 'invalid', message: `invalid gzip body: ${(err as Error).message}` };
    }
  }
  try {
    const out: DecodeOutcome = req.format === 'json' ? decodeOtlpJson(body, limits, jsonIdentities, known) : protoDecoder.decode(body);
    const target = { region: (bytes: number) => (req.replyRegion >= 0 && replies !== null && bytes <= replies.regionBytes ? { buffer: replies.buffer, base: replies.base(req.replyRegion) } : null) };
    const { layout, buffer } = preparer.prepare(out, target);
    return { id: req.id, status: 'ok', layout, buffer, accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage, exemplarsDropped: out.exemplarsDropped, decodedBytes: body.byteLength };
  } catch (err) {
    if (err instanceof DecodeError) return { id: req.id, status: 'invalid', message: err.message };
    // A bug of ours, not the client's: answer without a retry loop, keep the worker alive.
    return { id: req.id, status: 'internal', message: `decoder failed: ${(err as Error).message}` };
  }
}

function compress(req: CompressRequest & { id: number }): CompressReply {
  try {
    const bytes = compressExtent(new Uint8Array(req.raw));
    // Transfer needs a buffer of its own; compressors may return a view into a larger one.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return { id: req.id, status: 'ok', bytes: owned };
  } catch (err) {
    return { id: req.id, status: 'internal', message: `compression failed: ${(err as Error).message}` };
  }
}

function encodePages(req: EncodePagesRequest & { id: number }): EncodePagesReply {
  try {
    const pages: Uint8Array[] = [];
    const rollups: Uint8Array[] = [];
    const max = req.counts.reduce((m, n) => Math.max(m, n), 0);
    const timestamps = new Float64Array(max);
    const values = new Float64Array(max);
    req.counts.forEach((n, i) => {
      decodeChunk(req.chunks, req.offsets[i]!, req.bits[i]!, n, timestamps, values);
      pages.push(encodePage(timestamps, values, n));
      if (req.rollup !== undefined) rollups.push(rollupPageSamples(timestamps, values, n, req.rollup.sketch[i] === 1, req.rollup));
    });
    const { bytes, lengths } = packPages(pages);
    if (req.rollup === undefined) return { id: req.id, status: 'ok', bytes, lengths };
    const packed = packPages(rollups);
    return { id: req.id, status: 'ok', bytes, lengths, rollupBytes: packed.bytes, rollupLengths: packed.lengths };
  } catch (err) {
    return { id: req.id, status: 'internal', message: `page encoding failed: ${(err as Error).message}` };
  }
}
