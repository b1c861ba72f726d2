import { parentPort, workerData } from 'node:worker_threads';
import { RequestDecoder } from './decode/request-decoder.js';
import { SharedRegions } from './memory-regions.js';
import type { CompressReply, CompressRequest, DecodeWorkerData, EncodePagesReply, EncodePagesRequest, WorkerMessage } from './messages.js';
import { packPages, rollup } from './rollup-ops.js';
import { compressExtent, encodePage } from '../store/encoding/index.js';
import { decodeChunk } from '../store/head/index.js';

// Entry point of a decode worker thread: decode requests (decode/request-decoder.ts), compress
// extents and encode pages for the store.
const decoder = new RequestDecoder(workerData as DecodeWorkerData);
const port = parentPort!;
let requests: SharedRegions | null = null;
let replies: SharedRegions | null = null;

port.on('message', (req: WorkerMessage) => {
  switch (req.op) {
    case 'series-table':
      decoder.preparer.useTable(req.buffer);
      return;
    case 'series-limits':
      decoder.useSeriesLimits(req.buffer);
      return;
    case 'budget':
      decoder.budget.use(req.buffer);
      return;
    case 'config':
      decoder.configure(req);
      return;
    case 'regions':
      requests = new SharedRegions(req.requests.byteLength / req.regionBytes, req.regionBytes, req.requests);
      replies = new SharedRegions(req.replies.byteLength / req.regionBytes, req.regionBytes, req.replies);
      return;
    case 'encode-pages': {
      const out = encodePages(req);
      const transfer = out.status === 'ok' ? [out.bytes.buffer as ArrayBuffer, out.lengths.buffer as ArrayBuffer] : [];
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
      const reply = decoder.decode(req, requests, replies);
      port.postMessage(reply, reply.status === 'ok' && reply.buffer !== null ? [reply.buffer] : []);
    }
  }
});

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
    const { bytes, lengths } = packPages(pages);
    return { id: req.id, status: 'ok', bytes, lengths };
  } catch (err) {
    return { id: req.id, status: 'internal', message: `page encoding failed: ${(err as Error).message}` };
  }
}
