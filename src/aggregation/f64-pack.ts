/** Float64 columns as base64 of their bytes: exact bits (NaN, ±Infinity, -0) through JSON. */
export function packF64(a: Float64Array, n: number): string {
  return Buffer.from(a.buffer, a.byteOffset, n * 8).toString('base64');
}

export function unpackF64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
