export { createApiServer } from './api-server.js';
export type { ApiServer, ApiServerOptions } from './api-server.js';
export { ApiErrorCodes } from './api-error.js';
export type { ApiErrorType } from './api-error.js';
