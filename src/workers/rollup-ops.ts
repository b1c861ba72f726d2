import { rollupGroup } from '../store/rollup/index.js';
import type { RollupReply, RollupRequest } from './messages.js';

/** Concatenates encoded pages into one transferable buffer with their lengths. */
export function packPages(pages: readonly Uint8Array[]): { bytes: Uint8Array; lengths: Uint32Array } {
  const bytes = new Uint8Array(pages.reduce((sum, p) => sum + p.length, 0));
  const lengths = new Uint32Array(pages.length);
  let offset = 0;
  pages.forEach((p, i) => {
    bytes.set(p, offset);
    offset += p.length;
    lengths[i] = p.length;
  });
  return { bytes, lengths };
}

/** The 'rollup' op (messages.ts): groups of pages of one series each, rolled up or joined. */
export function rollup(req: RollupRequest & { id: number }): RollupReply {
  try {
    const out: Uint8Array[] = [];
    let at = 0;
    let page = 0;
    req.groups.forEach((size, g) => {
      const pages: Uint8Array[] = [];
      for (let k = 0; k < size; k++, page++) {
        pages.push(req.pages.subarray(at, at + req.lengths[page]!));
        at += req.lengths[page]!;
      }
      out.push(...rollupGroup(req.source, pages, req.sketch[g] === 1, req, req.nextResolutionMs));
    });
    const { bytes, lengths } = packPages(out);
    return { id: req.id, status: 'ok', bytes, lengths };
  } catch (err) {
    return { id: req.id, status: 'internal', message: `rollup failed: ${(err as Error).message}` };
  }
}
