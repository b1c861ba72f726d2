import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { DecodeError } from './decode/decode-error.js';
import type { IdentityCache } from './decode/otlp-json.js';
import { decodeOtlpJson } from './decode/otlp-json.js';
import type { DecodeOutcome } from './decode/otlp-proto.js';
import { OtlpProtoDecoder } from './decode/otlp-proto.js';
import { ReplyPreparer } from './decode/prepare-reply.js';
import { SeriesIdentifier } from './decode/series-identifier.js';
import { NewSeriesGate } from './decode/series-admission.js';
import { AttributeProcessors } from '../processors/index.js';
import { SharedRegions } from './shared-regions.js';
import type { CompressReply, CompressRequest, DecodeReply, DecodeRequest, DecodeWorkerData, EncodePagesReply, EncodePagesRequest, WorkerMessage } from './messages.js';
import { compressExtent, encodePage } from '../store/encoding/index.js';
import { decodeChunk } from '../store/head/index.js';

// Entry point of a decode worker thread: decompress, decode, normalize, build the WAL record,
// reply with one buffer.
let settings = workerData as DecodeWorkerData;
let processors = compileProcessors(settings);
const protoDecoder = new OtlpProtoDecoder(settings.limits, undefined, processors);
let jsonIdentifier = new SeriesIdentifier(settings.limits, processors);
const jsonIdentities: IdentityCache = new Map();
const jsonGate = new NewSeriesGate();
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
    case 'series-limits':
      protoDecoder.gate.useShared(req.buffer);
      jsonGate.useShared(req.buffer);
      return;
    case 'config':
      // Identities cached under the old rules would keep what the new ones mask: forget them.
      settings = req;
      processors = compileProcessors(settings);
      protoDecoder.configure(settings.limits, processors);
      jsonIdentifier = new SeriesIdentifier(settings.limits, processors);
      jsonIdentities.clear();
      return;
    case 'regions':
      requests = new SharedRegions(req.requests.byteLength / req.regionBytes, req.regionBytes, req.requests);
      replies = new SharedRegions(req.replies.byteLength / req.regionBytes, req.regionBytes, req.replies);
      return;
    case 'encode-pages': {
      const out = encodePages(req);
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
    const out: DecodeOutcome = req.format === 'json' ? decodeOtlpJson(body, settings.limits, jsonIdentities, known, jsonIdentifier, jsonGate) : protoDecoder.decode(body);
    const target = { region: (bytes: number) => (req.replyRegion >= 0 && replies !== null && bytes <= replies.regionBytes ? { buffer: replies.buffer, base: replies.base(req.replyRegion) } : null) };
    const { layout, buffer } = preparer.prepare(out, target);
    return { id: req.id, status: 'ok', layout, buffer, accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage, exemplarsDropped: out.exemplarsDropped, ruleHits: ruleHits(out.ruleCounts), limitRefusals: out.limitRefusals, reservations: out.reservations, minute: out.minute, decodedBytes: body.byteLength };
  } catch (err) {
    // The failed request's reservations go back (its gate began with it; the other holds a reply's).
    (req.format === 'json' ? jsonGate : protoDecoder.gate).abandon();
    if (err instanceof DecodeError) return { id: req.id, status: 'invalid', message: err.message };
    // A bug of ours, not the client's: answer without a retry loop, keep the worker alive.
    return { id: req.id, status: 'internal', message: `decoder failed: ${(err as Error).message}` };
  }
}

function compileProcessors(s: DecodeWorkerData): AttributeProcessors | null {
  return s.processors.length === 0 ? null : new AttributeProcessors(s.processors, s.hashKeys);
}

function ruleHits(counts: readonly number[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) out.push([processors!.labels[i]!, counts[i]!]);
  return out;
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
    const max = req.counts.reduce((m, n) => Math.max(m, n), 0);
    const timestamps = new Float64Array(max);
    const values = new Float64Array(max);
    req.counts.forEach((n, i) => {
      decodeChunk(req.chunks, req.offsets[i]!, req.bits[i]!, n, timestamps, values);
      pages.push(encodePage(timestamps, values, n));
    });
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
