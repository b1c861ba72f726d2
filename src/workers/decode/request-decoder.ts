import { gunzipSync } from 'node:zlib';
import { AttributeProcessors } from '../../processors/index.js';
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from '../messages.js';
import type { SharedRegions } from '../memory-regions.js';
import { DecodeBudget, DecodeBudgetError } from './decode-budget.js';
import { DecodeError } from './decode-error.js';
import { scanJson } from './json-scan.js';
import type { IdentityCache } from './otlp-json.js';
import { decodeOtlpJson } from './otlp-json.js';
import type { DecodeOutcome } from './otlp-proto.js';
import { OtlpProtoDecoder } from './otlp-proto.js';
import { ReplyPreparer } from './prepare-reply.js';
import { NewSeriesGate } from './series-admission.js';
import { SeriesIdentifier } from './series-identifier.js';

/**
 * One decode worker's request handling: gunzip, decode (protobuf walker or JSON), build the
 * reply; what decoding allocates is taken from the in-flight budget before it is allocated
 * where it can be known in advance (an inflated body, a JSON parse tree) and as the reply is
 * built. A failed request gives back its budget and its series reservations.
 */
export class RequestDecoder {
  #settings: DecodeWorkerData;
  #processors: AttributeProcessors | null;
  readonly #proto: OtlpProtoDecoder;
  #jsonIdentifier: SeriesIdentifier;
  readonly #jsonIdentities: IdentityCache = new Map();
  readonly #jsonGate = new NewSeriesGate();
  readonly preparer = new ReplyPreparer();
  readonly budget = new DecodeBudget();

  constructor(settings: DecodeWorkerData) {
    this.#settings = settings;
    this.#processors = compileProcessors(settings);
    this.#proto = new OtlpProtoDecoder(settings.limits, undefined, this.#processors);
    this.#jsonIdentifier = this.#metered(new SeriesIdentifier(settings.limits, this.#processors));
    this.#proto.knownBy(this.#known);
    this.#proto.meter(this.#meter, this.#identities);
  }

  /** The point columns as they grow, taken from the budget before the allocation. */
  readonly #meter = (bytes: number): void => this.budget.reserve(bytes, 'the decoded points');
  /**
   * Series identities as they are made: shared with the other requests, but never a reason to
   * refuse a request alone for good (limits.max_new_series_per_request bounds them).
   */
  readonly #identities = (bytes: number): void => this.budget.share(bytes, 'the new series');

  #metered(identifier: SeriesIdentifier): SeriesIdentifier {
    identifier.meter = this.#identities;
    return identifier;
  }

  readonly #known = (hi: number, lo: number): boolean => this.preparer.refOf(hi, lo) >= 0;

  /** New limits and rules (a reload): identities cached under the old rules would keep what the new ones mask. */
  configure(settings: DecodeWorkerData): void {
    this.#settings = settings;
    this.#processors = compileProcessors(settings);
    this.#proto.configure(settings.limits, this.#processors);
    this.#jsonIdentifier = this.#metered(new SeriesIdentifier(settings.limits, this.#processors));
    this.#jsonIdentities.clear();
  }

  useSeriesLimits(buffer: SharedArrayBuffer): void {
    this.#proto.gate.useShared(buffer);
    this.#jsonGate.useShared(buffer);
  }

  decode(req: DecodeRequest & { id: number }, requests: SharedRegions | null, replies: SharedRegions | null): DecodeReply {
    let body: Uint8Array = req.body !== null ? new Uint8Array(req.body, req.offset, req.length) : requests!.view(req.region, req.length);
    this.budget.begin(req.length);
    const gate = req.format === 'json' ? this.#jsonGate : this.#proto.gate;
    try {
      if (req.gzip) body = this.#gunzip(body, req.maxBytes);
      let out: DecodeOutcome;
      if (req.format === 'json') {
        this.budget.reserve(scanJson(body).estimate, 'the parsed JSON');
        out = decodeOtlpJson(body, this.#settings.limits, this.#jsonIdentities, this.#known, this.#jsonIdentifier, this.#jsonGate, this.#meter);
      } else out = this.#proto.decode(body);
      const target = { region: (bytes: number) => (req.replyRegion >= 0 && replies !== null && bytes <= replies.regionBytes ? { buffer: replies.buffer, base: replies.base(req.replyRegion) } : null) };
      const { layout, buffer } = this.preparer.prepare(out, target, this.budget);
      this.#proto.trim();
      return {
        id: req.id,
        status: 'ok',
        layout,
        buffer,
        accepted: out.accepted,
        rejected: out.rejected,
        errorMessage: out.errorMessage,
        exemplarsDropped: out.exemplarsDropped,
        ruleHits: this.#ruleHits(out.ruleCounts),
        limitRefusals: out.limitRefusals,
        reservations: out.reservations,
        minute: out.minute,
        reservedBytes: this.budget.held,
      };
    } catch (err) {
      // Nothing of this request reaches the store: its budget and series reservations go back.
      this.budget.abandon();
      gate.abandon();
      this.#proto.trim();
      if (err instanceof DecodeBudgetError) return { id: req.id, status: err.kind, message: err.message };
      if (err instanceof DecodeError) return { id: req.id, status: 'invalid', message: err.message };
      // A bug of ours, not the client's: answer without a retry loop, keep the worker alive.
      return { id: req.id, status: 'internal', message: `decoder failed: ${(err as Error).message}` };
    }
  }

  /** Inflates a gzip body (at most `maxBytes`), taking its size from the budget. */
  #gunzip(body: Uint8Array, maxBytes: number): Uint8Array {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(body, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecodeBudgetError('too_large', `request body is larger than ${maxBytes} bytes once decompressed`);
      throw new DecodeError(`invalid gzip body: ${(err as Error).message}`);
    }
    this.budget.reserve(inflated.byteLength, 'the decompressed body');
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  }

  #ruleHits(counts: readonly number[]): [string, number][] {
    const out: [string, number][] = [];
    for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) out.push([this.#processors!.labels[i]!, counts[i]!]);
    return out;
  }
}

function compileProcessors(s: DecodeWorkerData): AttributeProcessors | null {
  return s.processors.length === 0 ? null : new AttributeProcessors(s.processors, s.hashKeys);
}
