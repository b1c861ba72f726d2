import { defaultConfig } from './defaults.js';
import { decodeConfig, type DecodeResult } from './schema.js';

/**
 * Checks parsed YAML (`null` for an empty file) against the schema and
 * resolves it over the built-in defaults, collecting every problem found.
 */
export function validate(raw: unknown): DecodeResult {
  return decodeConfig(raw, defaultConfig);
}
