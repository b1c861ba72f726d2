export { formatAddress, formatBound } from './endpoint-address.js';
export { httpComponent } from './http-component.js';
export type { NetComponent } from './http-component.js';
