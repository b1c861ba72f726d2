// A Prometheus remote-write (v1) request by hand: protobuf WriteRequest written straight into a
// buffer (each series' label block encoded once), and a snappy block made of literals only
// (valid snappy that any decoder reads; no compression library needed on loopback).

function varintLength(n) {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf, at, n) {
  while (n >= 128) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** The encoded `repeated Label labels = 1` part of a TimeSeries (labels sorted by name). */
export function labelBlock(labels) {
  const parts = [];
  for (const [name, value] of Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const inner = Buffer.alloc(1 + varintLength(n.length) + n.length + 1 + varintLength(v.length) + v.length);
    let at = 0;
    inner[at++] = 0x0a;
    at = writeVarint(inner, at, n.length);
    at += n.copy(inner, at);
    inner[at++] = 0x12;
    at = writeVarint(inner, at, v.length);
    v.copy(inner, at);
    const head = Buffer.alloc(1 + varintLength(inner.length));
    head[0] = 0x0a;
    writeVarint(head, 1, inner.length);
    parts.push(head, inner);
  }
  return Buffer.concat(parts);
}

/** WriteRequest for `series` ({ block, value(k) }) at steps [k0, k1), timestamps t0 + k·stepMs. */
export function encodeWriteRequest(series, k0, k1, t0, stepMs) {
  const sampleLen = (t) => 1 + 8 + 1 + varintLength(t);
  let total = 0;
  const sizes = series.map((s) => {
    let body = s.block.length;
    for (let k = k0; k < k1; k++) {
      const l = sampleLen(t0 + k * stepMs);
      body += 1 + varintLength(l) + l;
    }
    total += 1 + varintLength(body) + body;
    return body;
  });
  const buf = Buffer.alloc(total);
  let at = 0;
  series.forEach((s, i) => {
    buf[at++] = 0x0a;
    at = writeVarint(buf, at, sizes[i]);
    at += s.block.copy(buf, at);
    for (let k = k0; k < k1; k++) {
      const t = t0 + k * stepMs;
      buf[at++] = 0x12;
      at = writeVarint(buf, at, sampleLen(t));
      buf[at++] = 0x09;
      buf.writeDoubleLE(s.value(k), at);
      at += 8;
      buf[at++] = 0x10;
      at = writeVarint(buf, at, t);
    }
  });
  return buf;
}

/** Snappy block: the length, then the data as 64 KiB literal chunks. */
export function snappyLiterals(data) {
  const head = Buffer.alloc(varintLength(data.length));
  writeVarint(head, 0, data.length);
  const parts = [head];
  for (let at = 0; at < data.length; at += 65536) {
    const chunk = data.subarray(at, Math.min(at + 65536, data.length));
    const n = chunk.length - 1;
    parts.push(n < 60 ? Buffer.from([n << 2]) : n < 256 ? Buffer.from([60 << 2, n]) : Buffer.from([61 << 2, n & 0xff, n >> 8]));
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
