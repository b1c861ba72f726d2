/**
 * Attribute values rendered as label strings, the same way whatever the wire encoding,
 * so a series sent as protobuf and as JSON gets one identity. Rendering follows the
 * OTel-to-Prometheus rules: strings as-is, booleans and numbers in their text form,
 * bytes as base64, arrays and maps as JSON.
 */
export type AnyValue =
  | { readonly kind: 'string'; readonly v: string }
  | { readonly kind: 'bool'; readonly v: boolean }
  | { readonly kind: 'int'; readonly v: bigint }
  | { readonly kind: 'double'; readonly v: number }
  | { readonly kind: 'bytes'; readonly v: Uint8Array }
  | { readonly kind: 'array'; readonly v: readonly AnyValue[] }
  | { readonly kind: 'kvlist'; readonly v: readonly (readonly [string, AnyValue])[] }
  | { readonly kind: 'empty' };

export function renderAnyValue(value: AnyValue): string {
  switch (value.kind) {
    case 'string':
      return value.v;
    case 'empty':
      return '';
    case 'array':
    case 'kvlist':
      return JSON.stringify(toPlain(value));
    default:
      return String(toPlain(value));
  }
}

function toPlain(value: AnyValue): unknown {
  switch (value.kind) {
    case 'string':
    case 'bool':
      return value.v;
    case 'int':
      return value.v >= -9007199254740991n && value.v <= 9007199254740991n ? Number(value.v) : value.v.toString();
    case 'double':
      return Number.isFinite(value.v) ? value.v : String(value.v);
    case 'bytes':
      return Buffer.from(value.v.buffer, value.v.byteOffset, value.v.byteLength).toString('base64');
    case 'array':
      return value.v.map(toPlain);
    case 'kvlist':
      // A key-value list is a map: its order must not make a different series.
      return Object.fromEntries([...value.v].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => [k, toPlain(v)]));
    case 'empty':
      return null;
  }
}
