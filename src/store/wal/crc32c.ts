// CRC-32C lives in the encoding leaf (slicing-by-8); re-exported so the WAL's own modules keep one import path.
export { crc32c } from '../encoding/crc32c.js';
