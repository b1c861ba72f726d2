export type { Receiver, ReceiverGuard } from './receiver.js';
export { createOtlpGrpcReceiver } from './otlp-grpc.js';
export type { OtlpGrpcOptions } from './otlp-grpc.js';
export { createOtlpHttpReceiver } from './otlp-http.js';
export type { OtlpHttpOptions } from './otlp-http.js';
export { encodeStatusProto, encodeStatusJson, encodeExportResponseProto, encodeExportResponseJson, GrpcCode } from './otlp-answers.js';
