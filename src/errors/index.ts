/**
 * Errors with a stable `code` that callers match on (never on the message).
 * Codes are part of the public surface: once published, never renamed.
 */
export class CairnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'CairnError';
  }
}

export const ErrorCodes = {
  CONFIG_INVALID: 'CAIRN_ERR_CONFIG_INVALID',
  CONFIG_READ: 'CAIRN_ERR_CONFIG_READ',
  DECODE: 'CAIRN_ERR_DECODE',
  TOO_LARGE: 'CAIRN_ERR_TOO_LARGE',
  OVERLOADED: 'CAIRN_ERR_OVERLOADED',
  WORKER_LOST: 'CAIRN_ERR_WORKER_LOST',
  STORE_UNAVAILABLE: 'CAIRN_ERR_STORE_UNAVAILABLE',
  SHUTTING_DOWN: 'CAIRN_ERR_SHUTTING_DOWN',
  WAL_CORRUPT: 'CAIRN_ERR_WAL_CORRUPT',
  CURSOR_CORRUPT: 'CAIRN_ERR_CURSOR_CORRUPT',
  PAGE_CORRUPT: 'CAIRN_ERR_PAGE_CORRUPT',
  DATAFILE_CORRUPT: 'CAIRN_ERR_DATAFILE_CORRUPT',
  DATAFILE_GONE: 'CAIRN_ERR_DATAFILE_GONE',
  JOURNAL_CORRUPT: 'CAIRN_ERR_JOURNAL_CORRUPT',
  SERIES_FILE_CORRUPT: 'CAIRN_ERR_SERIES_FILE_CORRUPT',
  STORE_FORMAT_UNSUPPORTED: 'CAIRN_ERR_STORE_FORMAT_UNSUPPORTED',
  STORE_LOCKED: 'CAIRN_ERR_STORE_LOCKED',
  QUERY_BAD_DATA: 'CAIRN_ERR_QUERY_BAD_DATA',
  QUERY_EXECUTION: 'CAIRN_ERR_QUERY_EXECUTION',
  QUERY_TIMEOUT: 'CAIRN_ERR_QUERY_TIMEOUT',
  API_NOT_FOUND: 'CAIRN_ERR_API_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
