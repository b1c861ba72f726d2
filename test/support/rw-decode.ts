import { uncompressSync } from 'snappy';

/** One series of a decoded remote write 1.0 request. */
export interface RwSeries {
  readonly labels: Record<string, string>;
  readonly samples: { readonly t: number; readonly v: number }[];
}

/** Decodes a snappy-compressed `prometheus.WriteRequest` (test side; independent of the encoder). */
export function decodeRw1(body: Buffer): RwSeries[] {
  const raw = uncompressSync(body) as Buffer;
  const out: RwSeries[] = [];
  for (const ts of fields(raw)) {
    if (ts.field !== 1) continue;
    const labels: Record<string, string> = {};
    const samples: { t: number; v: number }[] = [];
    for (const f of fields(ts.bytes!)) {
      if (f.field === 1) {
        let name = '';
        let value = '';
        for (const l of fields(f.bytes!)) {
          if (l.field === 1) name = l.bytes!.toString('utf8');
          if (l.field === 2) value = l.bytes!.toString('utf8');
        }
        labels[name] = value;
      } else if (f.field === 2) {
        let t = 0;
        let v = 0;
        for (const s of fields(f.bytes!)) {
          if (s.field === 1) v = s.double!;
          if (s.field === 2) t = Number(BigInt.asIntN(64, s.varint!));
        }
        samples.push({ t, v });
      }
    }
    out.push({ labels, samples });
  }
  return out;
}

interface Field {
  readonly field: number;
  readonly bytes?: Buffer;
  readonly varint?: bigint;
  readonly double?: number;
}

function* fields(b: Buffer): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const byte = b[i++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
      shift += 7n;
    }
  };
  while (i < b.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    switch (tag & 7) {
      case 0:
        yield { field, varint: varint() };
        break;
      case 1:
        yield { field, double: b.readDoubleLE(i) };
        i += 8;
        break;
      case 2: {
        const n = Number(varint());
        yield { field, bytes: b.subarray(i, i + n) };
        i += n;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
}
