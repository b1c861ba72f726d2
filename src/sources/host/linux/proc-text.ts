/**
 * Reading and splitting /proc text. The parsers run every scrape interval in an agent that
 * aims to idle at a fraction of a percent of one core, so fields are cut with a character
 * scan (no regular expression per line) and numbers are converted once.
 */
import { readFile } from 'node:fs/promises';
import type { HostPaths } from '../scraper.js';

/** `${root}/proc/<rel>`, e.g. procPath(paths, 'meminfo'). */
export function procPath(paths: HostPaths, rel: string): string {
  return `${paths.root}/proc/${rel}`;
}

/**
 * The /proc directory of the process whose view of mounts and network interfaces is the
 * host's: ourselves on the host, PID 1 (the host's init) when the host's / is mounted into
 * a container at root_path.
 */
export function hostViewPath(paths: HostPaths, rel: string): string {
  return paths.root === '' ? `/proc/self/${rel}` : `${paths.root}/proc/1/${rel}`;
}

/** Reads a whole /proc file; the error names the file. */
export async function readProcFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

/** Like readProcFile, but a file that does not exist is `undefined` (optional kernel features). */
export async function readOptionalProcFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** The errno code alone when there is one: Node's message repeats the path. */
function errorMessage(err: unknown): string {
  return errorCode(err) ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Splits on runs of spaces and tabs, ignoring leading and trailing ones; stops after `limit`
 * fields when only the first few of a long line are wanted.
 */
export function splitFields(line: string, limit = Infinity): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length && fields.length < limit; i++) {
    const c = line.charCodeAt(i);
    const blank = c === 32 || c === 9;
    if (blank) {
      if (start >= 0) {
        fields.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0 && fields.length < limit) fields.push(line.slice(start));
  return fields;
}

/** The lines of a /proc file, without the empty one after its final newline. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  return all;
}

/**
 * Undoes the kernel's escaping of blanks and backslashes in paths (/proc/self/mounts,
 * /proc/swaps): `\040` is a space, `\011` a tab, `\012` a newline, `\134` a backslash.
 */
export function decodeOctalEscapes(field: string): string {
  let slash = field.indexOf('\\');
  if (slash < 0) return field;
  let out = '';
  let from = 0;
  while (slash >= 0) {
    if (isOctalEscape(field, slash)) {
      out += field.slice(from, slash) + String.fromCharCode(parseInt(field.slice(slash + 1, slash + 4), 8));
      from = slash + 4;
    }
    slash = field.indexOf('\\', slash + 1);
  }
  return out + field.slice(from);
}

function isOctalEscape(field: string, slash: number): boolean {
  for (let k = 1; k <= 3; k++) {
    const c = field.charCodeAt(slash + k);
    if (!(c >= 48 && c <= 55)) return false;
  }
  return true;
}

/**
 * The number on the `key value` line of a file such as /proc/stat, found by search rather
 * than by cutting every line apart (that file's intr line alone is kilobytes).
 */
export function keyedLineValue(text: string, key: string, source: string): number {
  const prefix = `${key} `;
  let start = prefix.length;
  if (!text.startsWith(prefix)) {
    const at = text.indexOf(`\n${prefix}`);
    if (at < 0) throw malformed(source, `no ${key} line`);
    start += at + 1;
  }
  const end = text.indexOf('\n', start);
  return toNumber(text.slice(start, end < 0 ? text.length : end).trim(), source, key);
}

/** A non-negative decimal field; anything else is a malformed file. */
export function toNumber(field: string | undefined, source: string, what: string): number {
  const value = field === undefined || field === '' ? NaN : Number(field);
  if (!Number.isFinite(value) || value < 0) throw malformed(source, `${what} is ${JSON.stringify(field)}, expected a number`);
  return value;
}

/** Field `index` of a split line as a number; the error quotes the line (built only on failure). */
export function fieldNumber(fields: readonly string[], index: number, source: string): number {
  const field = fields[index];
  const value = field === undefined ? NaN : Number(field);
  if (!Number.isFinite(value) || value < 0) {
    throw malformed(source, `field ${index + 1} of "${fields.join(' ')}" is ${JSON.stringify(field)}, expected a number`);
  }
  return value;
}

export function malformed(source: string, detail: string): Error {
  return new Error(`malformed ${source}: ${detail}`);
}
