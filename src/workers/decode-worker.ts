import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { batchTransferList } from '../model/index.js';
import { DecodeError } from './decode/decode-error.js';
import type { IdentityCache } from './decode/otlp-json.js';
import { decodeOtlpJson } from './decode/otlp-json.js';
import { OtlpProtoDecoder } from './decode/otlp-proto.js';
import type { CompressReply, CompressRequest, DecodeReply, DecodeRequest, DecodeWorkerData, EncodePagesReply, EncodePagesRequest, WorkerMessage } from './messages.js';
import { compressExtent, encodePage } from '../store/encoding/index.js';

// Entry point of a decode worker thread: decompress, decode, normalize, reply with columns.
const data = workerData as DecodeWorkerData;
const limits = { maxAttributeBytes: data.maxAttributeBytes, maxAttributes: data.maxAttributes };
const protoDecoder = new OtlpProtoDecoder(limits);
const jsonIdentities: IdentityCache = new Map();
const port = parentPort!;

port.on('message', (req: WorkerMessage) => {
  if (req.op === 'encode-pages') {
    const out = encodePages(req);
    port.postMessage(out, out.status === 'ok' ? [out.bytes.buffer as ArrayBuffer, out.lengths.buffer as ArrayBuffer] : []);
    return;
  }
  if (req.op === 'compress') {
    const out = compress(req);
    port.postMessage(out, out.status === 'ok' ? [out.bytes.buffer as ArrayBuffer] : []);
    return;
  }
  const reply = handle(req);
  if (reply.status !== 'ok') {
    port.postMessage(reply);
    return;
  }
  const transfer = [...batchTransferList(reply.columns), reply.sources.buffer as ArrayBuffer];
  if (reply.body.byteLength > 0) transfer.push(reply.body.buffer as ArrayBuffer);
  port.postMessage(reply, transfer);
});

function handle(req: DecodeRequest & { id: number }): DecodeReply {
  let body: Uint8Array = new Uint8Array(req.body, req.offset, req.length);
  if (req.gzip) {
    try {
      const inflated = gunzipSync(body, { maxOutputLength: req.maxBytes });
      // A fresh buffer we own whole, so it can be transferred back.
      body = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return { id: req.id, status: 'too_large', message: `request body is larger than ${req.maxBytes} bytes once decompressed` };
      }
      return { id: req.id, status: 'invalid', message: `invalid gzip body: ${(err as Error).message}` };
    }
  }
  try {
    if (req.format === 'json') {
      const out = decodeOtlpJson(body, limits, jsonIdentities);
      return { id: req.id, status: 'ok', columns: out.batch, body: new Uint8Array(0), sources: out.sources, definitions: out.definitions, accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage, exemplarsDropped: out.exemplarsDropped, decodedBytes: body.byteLength };
    }
    const out = protoDecoder.decode(body);
    const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    return { id: req.id, status: 'ok', columns: out.batch, body: whole ? body : body.slice(), sources: out.sources, definitions: null, accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage, exemplarsDropped: out.exemplarsDropped, decodedBytes: body.byteLength };
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
    let at = 0;
    for (const n of req.counts) {
      pages.push(encodePage(req.timestamps.subarray(at, at + n), req.values.subarray(at, at + n), n));
      at += n;
    }
    const bytes = new Uint8Array(pages.reduce((sum, p) => sum + p.length, 0));
    const lengths = new Uint32Array(pages.length);
    let offset = 0;
    pages.forEach((p, i) => {
      bytes.set(p, offset);
      offset += p.length;
      lengths[i] = p.length;
    });
    return { id: req.id, status: 'ok', bytes, lengths };
  } catch (err) {
    return { id: req.id, status: 'internal', message: `page encoding failed: ${(err as Error).message}` };
  }
}
