export type { Counter, Sample } from './registry.js';
export { Registry } from './registry.js';
