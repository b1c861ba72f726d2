/*
 * PromQL regexes are RE2; the engine here is JavaScript's. This rewrites the RE2 spellings people
 * actually use in selectors into JS ('u' mode, so `.` is a code point like an RE2 rune) and
 * refuses, rather than silently misreads, what JS cannot express the same way.
 */

/** Characters that keep their backslash in a JS 'u' regex; other escaped punctuation becomes \u{…}. */
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const PASS_ESCAPES = new Set([...'dDwWsSbBnrtfv0']);
/** RE2's ASCII classes `[[:name:]]`, as JS class contents. */
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const LEADING_FLAGS = /^\(\?([imsU]+)\)/;
const REPEAT = /^\{\d+(?:,\d*)?\}/;
const POSIX_CLASS = /^\[:(\^?)([a-z]+):\]/;

export interface TranslatedRegex {
  readonly source: string;
  /** Extra JS flags from a leading RE2 flag group such as `(?i)`. */
  readonly flags: string;
}

/** Throws an Error whose message says what is wrong or unsupported. */
export function translateRe2(pattern: string): TranslatedRegex {
  let flags = '';
  let i = 0;
  const lead = LEADING_FLAGS.exec(pattern);
  if (lead !== null) {
    if (lead[1]!.includes('U')) throw new Error('the (?U) flag is not supported');
    flags = [...new Set(lead[1]!.replaceAll('s', ''))].join('');
    i = lead[0].length;
  }
  let out = '';
  let classStart = -1; // index just after `[` or `[^` while inside a class
  while (i < pattern.length) {
    const c = pattern[i]!;
    const rest = pattern.slice(i);
    if (c === '\\') {
      const [text, used] = escape(pattern, i, classStart >= 0);
      out += text;
      i += used;
    } else if (classStart >= 0) {
      const posix = c === '[' ? POSIX_CLASS.exec(rest) : null;
      if (posix !== null) {
        const contents = POSIX[posix[2]!];
        if (contents === undefined || posix[1] === '^') throw new Error(`character class ${posix[0]} is not supported`);
        out += contents;
        i += posix[0].length;
        continue;
      }
      if (c === ']' && i === classStart) out += '\\]'; // RE2 reads `[]a]` as a class holding `]` and `a`
      else out += c;
      if (c === ']' && i !== classStart) classStart = -1;
      i += 1;
    } else if (c === '[') {
      const negated = pattern[i + 1] === '^';
      out += negated ? '[^' : '[';
      i += negated ? 2 : 1;
      classStart = i;
    } else if (c === '(' && rest.startsWith('(?')) {
      if (rest.startsWith('(?:')) out += '(?:';
      else if (rest.startsWith('(?P<')) out += '(?<';
      else if (/^\(\?<[A-Za-z_]/.test(rest)) out += '(?<';
      else if (/^\(\?<?[=!]/.test(rest)) throw new Error('lookaround assertions are not supported (RE2 has none)');
      else throw new Error(`flag groups other than a leading one are not supported: ${rest.slice(0, 6)}`);
      i += rest.startsWith('(?P<') ? 4 : 3;
    } else if (c === '{') {
      const repeat = REPEAT.exec(rest);
      out += repeat === null ? '\\{' : repeat[0];
      i += repeat === null ? 1 : repeat[0].length;
    } else {
      out += c === '}' || c === ']' ? `\\${c}` : c;
      i += 1;
    }
  }
  if (classStart >= 0) throw new Error('missing closing ]');
  return { source: out, flags };
}

/** One escape starting at `pattern[at] === '\\'`: its JS text and how many characters it used. */
function escape(pattern: string, at: number, inClass: boolean): [string, number] {
  const next = pattern[at + 1];
  if (next === undefined) throw new Error('trailing backslash at end of expression');
  if (next === 'Q') {
    const end = pattern.indexOf('\\E', at + 2);
    const literal = pattern.slice(at + 2, end < 0 ? pattern.length : end);
    return [[...literal].map((ch) => literalChar(ch, inClass)).join(''), (end < 0 ? pattern.length : end + 2) - at];
  }
  if (next === 'x' && pattern[at + 2] === '{') return braced(pattern, at, (hex) => `\\u{${hex}}`);
  if (next === 'p' || next === 'P') {
    if (pattern[at + 2] === '{') return braced(pattern, at, (name) => unicodeClass(next, name));
    return [unicodeClass(next, pattern[at + 2] ?? ''), 3];
  }
  if (!inClass && next === 'A') return ['(?<![\\s\\S])', 2];
  if (!inClass && next === 'z') return ['(?![\\s\\S])', 2];
  if (next === 'a') return ['\\x07', 2];
  if (next === 'x') return [pattern.slice(at, at + 4), 4];
  if (/[1-9]/.test(next)) throw new Error('backreferences are not supported (RE2 has none)');
  if (PASS_ESCAPES.has(next)) return [`\\${next}`, 2];
  if (/[A-Za-z0-9]/.test(next)) throw new Error(`invalid escape sequence: \\${next}`);
  return [literalChar(next, inClass), 2];
}

function braced(pattern: string, at: number, render: (inner: string) => string): [string, number] {
  const close = pattern.indexOf('}', at + 3);
  if (close < 0) throw new Error(`missing closing } in ${pattern.slice(at)}`);
  return [render(pattern.slice(at + 3, close)), close + 1 - at];
}

function unicodeClass(kind: string, name: string): string {
  if (!/^[A-Za-z_]+$/.test(name)) throw new Error(`invalid character class range: \\${kind}${name}`);
  // One- and two-letter names are general categories (L, Lu); longer ones are scripts (Greek).
  const property = name.length <= 2 || name === 'Any' ? name : `Script=${name}`;
  return `\\${kind}{${property}}`;
}

function literalChar(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  if (/[A-Za-z0-9_\s]/.test(ch) || ch.codePointAt(0)! > 0x7e) return ch;
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}
