export { Head } from './head.js';
export { concatSamples } from './concat.js';
export { CutPage, encodePagesHere } from './cut-page.js';
export type { ChunkSource, PageEncoder } from './cut-page.js';
export type { AppendResult, HeadOptions, HeadSnapshotEntry } from './head.js';
export { decodeChunk } from './chunk-decode.js';
