/**
 * The WAL's part of the disk budget: a quarter of `store.max_disk_bytes`. Segments are sized to
 * at most an eighth of that share (at least 64 KiB), so keeping the current segment never
 * pushes the WAL far past it.
 */
export function walShareBytes(maxDiskBytes: number): number {
  return Math.floor(maxDiskBytes / 4);
}

export function walSegmentBytes(configured: number, maxDiskBytes: number): number {
  return Math.min(configured, Math.max(64 * 1024, Math.floor(walShareBytes(maxDiskBytes) / 8)));
}

/** The oldest segment to keep so the WAL fits its share (the newest is always kept). */
export function keepFromForShare(segments: readonly { segment: number; bytes: number }[], share: number): number {
  let bytes = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    bytes += segments[i]!.bytes;
    if (bytes > share && i < segments.length - 1) return segments[i + 1]!.segment;
  }
  return segments[0]?.segment ?? 0;
}
