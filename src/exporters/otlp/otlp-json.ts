import root from '../../generated/otlp.js';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;

/**
 * The OTLP/JSON form of an encoded request (lowerCamelCase names, 64-bit integers as strings).
 * Loaded only by an exporter configured for JSON (the generated code costs ~10 MiB).
 */
export function otlpJson(protobuf: Buffer): Buffer {
  const msg = ExportMetricsServiceRequest.decode(protobuf);
  return Buffer.from(JSON.stringify(ExportMetricsServiceRequest.toObject(msg, { longs: String, enums: Number, bytes: String })), 'utf8');
}
