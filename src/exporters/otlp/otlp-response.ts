import root from '../../generated/otlp.js';

const { ExportMetricsServiceResponse, ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const { Status, RetryInfo } = root.google.rpc;
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** partial_success of an ExportMetricsServiceResponse (protobuf or JSON body); zero when absent or unreadable. */
export function partialSuccess(body: Buffer, json: boolean): { readonly rejected: number; readonly message: string } {
  try {
    const msg = json ? ExportMetricsServiceResponse.fromObject(JSON.parse(body.toString('utf8') || '{}') as object) : ExportMetricsServiceResponse.decode(body);
    const p = msg.partialSuccess;
    if (p === null || p === undefined) return { rejected: 0, message: '' };
    return { rejected: Number(p.rejectedDataPoints ?? 0), message: p.errorMessage ?? '' };
  } catch {
    // An accepting upstream that answers something else still accepted the request.
    return { rejected: 0, message: '' };
  }
}

/** The delay of a google.rpc.RetryInfo inside a serialized google.rpc.Status; 0 when there is none. */
export function retryInfoDelayMs(statusBytes: Buffer | undefined): number {
  if (statusBytes === undefined) return 0;
  try {
    for (const detail of Status.decode(statusBytes).details ?? []) {
      if (detail.typeUrl !== RETRY_INFO_TYPE || detail.value === undefined || detail.value === null) continue;
      const delay = RetryInfo.decode(detail.value).retryDelay;
      if (delay === null || delay === undefined) return 0;
      return Number(delay.seconds ?? 0) * 1000 + Math.floor((delay.nanos ?? 0) / 1e6);
    }
  } catch {
    // Unreadable details: as if none were given.
  }
  return 0;
}

/** The OTLP/JSON form of an encoded request (lowerCamelCase names, 64-bit integers as strings). */
export function otlpJson(protobuf: Buffer): Buffer {
  const msg = ExportMetricsServiceRequest.decode(protobuf);
  return Buffer.from(JSON.stringify(ExportMetricsServiceRequest.toObject(msg, { longs: String, enums: Number, bytes: String })), 'utf8');
}
