/**
 * The few fields exporters read from upstream answers, walked from the bytes: an
 * ExportMetricsServiceResponse's partial_success, and the RetryInfo inside a google.rpc.Status.
 * Walked by hand rather than with the generated protobuf code, which costs an agent ~10 MiB
 * of memory to load for three fields.
 */
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** partial_success of an ExportMetricsServiceResponse (protobuf or JSON body); zero when absent or unreadable. */
export function partialSuccess(body: Buffer, json: boolean): { readonly rejected: number; readonly message: string } {
  try {
    if (json) {
      const p = (JSON.parse(body.toString('utf8') || '{}') as { partialSuccess?: { rejectedDataPoints?: string | number; errorMessage?: string } }).partialSuccess;
      return { rejected: Number(p?.rejectedDataPoints ?? 0), message: p?.errorMessage ?? '' };
    }
    let rejected = 0;
    let message = '';
    for (const f of fields(body, 0, body.length)) {
      if (f.field !== 1 || f.end === undefined) continue;
      for (const p of fields(body, f.start, f.end)) {
        if (p.field === 1 && p.end === undefined) rejected = p.value;
        else if (p.field === 2 && p.end !== undefined) message = body.toString('utf8', p.start, p.end);
      }
    }
    return { rejected, message };
  } catch {
    // An accepting upstream that answers something else still accepted the request.
    return { rejected: 0, message: '' };
  }
}

/** The delay of a google.rpc.RetryInfo inside a serialized google.rpc.Status; 0 when there is none. */
export function retryInfoDelayMs(statusBytes: Buffer | undefined): number {
  if (statusBytes === undefined) return 0;
  try {
    for (const detail of fields(statusBytes, 0, statusBytes.length)) {
      if (detail.field !== 3 || detail.end === undefined) continue;
      let type = '';
      let value: { start: number; end: number } | undefined;
      for (const a of fields(statusBytes, detail.start, detail.end)) {
        if (a.end === undefined) continue;
        if (a.field === 1) type = statusBytes.toString('utf8', a.start, a.end);
        else if (a.field === 2) value = { start: a.start, end: a.end };
      }
      if (type !== RETRY_INFO_TYPE || value === undefined) continue;
      for (const r of fields(statusBytes, value.start, value.end)) {
        if (r.field !== 1 || r.end === undefined) continue;
        let seconds = 0;
        let nanos = 0;
        for (const d of fields(statusBytes, r.start, r.end)) {
          if (d.field === 1 && d.end === undefined) seconds = d.value;
          else if (d.field === 2 && d.end === undefined) nanos = d.value;
        }
        return seconds * 1000 + Math.floor(nanos / 1e6);
      }
      return 0;
    }
  } catch {
    // Unreadable details: as if none were given.
  }
  return 0;
}

/** A field of a protobuf message: a varint value, or the [start, end) of a length-delimited payload. */
type Field = { readonly field: number; readonly value: number; readonly start: number; readonly end: number | undefined };

/** The fields in [start, end) of `b` (varints and length-delimited ones; fixed-width skipped); throws on malformed bytes. */
function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new RangeError('truncated varint');
      const byte = b[pos++]!;
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 128;
    }
    throw new RangeError('varint too long');
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) yield { field, value: varint(), start: pos, end: undefined };
    else if (wire === 2) {
      const len = varint();
      if (pos + len > end) throw new RangeError('length past the end');
      yield { field, value: len, start: pos, end: pos + len };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new RangeError(`wire type ${wire}`);
  }
}
