export { formatAddress, formatBound } from './endpoint-address.js';
export { httpComponent, listen } from './http-component.js';
export type { NetComponent } from './http-component.js';
