export { Head } from './head.js';
export type { AppendResult, CutPage, HeadOptions } from './head.js';
