export { Head, concatSamples } from './head.js';
export type { AppendResult, CutPage, HeadOptions } from './head.js';
