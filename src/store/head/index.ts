export { Head, concatSamples } from './head.js';
export { CutPage } from './cut-page.js';
export type { AppendResult, HeadOptions } from './head.js';
export { decodeChunk } from './chunk-decode.js';
