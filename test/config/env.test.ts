import { describe, expect, it } from 'vitest';
import { expandEnv } from '../../src/config/index.js';

const env = { HOST: 'example.com', PORT: '4317', EMPTY: '' };

describe('expandEnv', () => {
  it.each([
    ['endpoint: ${HOST}:${PORT}', 'endpoint: example.com:4317'],
    ['endpoint: ${UNSET:-127.0.0.1}:${PORT}', 'endpoint: 127.0.0.1:4317'],
    ['level: ${EMPTY:-info}', 'level: info'],
    ['level: "${EMPTY}"', 'level: ""'],
    ['port: ${PORT:-1}', 'port: 4317'],
    ['default: ${UNSET:-}', 'default: '],
    ['default: ${UNSET:-a:b c}', 'default: a:b c'],
    ['price: $$5', 'price: $5'],
    ['literal: $${HOST}', 'literal: ${HOST}'],
    ['bare: $HOST and $ alone', 'bare: $HOST and $ alone'],
    ['# comment mentions ${UNSET}\nk: ${PORT}', '# comment mentions ${UNSET}\nk: 4317'],
    ['a: 1\r\nb: ${PORT}\r\n', 'a: 1\r\nb: 4317\r\n'],
  ])('%j → %j', (input, output) => {
    expect(expandEnv(input, env)).toEqual({ text: output });
  });

  it('reports every undefined variable with its line', () => {
    const result = expandEnv('a: ${HOST}\nb: ${MISSING_ONE}\nc: 1\nd: ${MISSING_TWO}', env);
    expect(result).toEqual({
      problems: [
        { path: 'line 2', value: '${MISSING_ONE}', expected: expect.stringContaining('MISSING_ONE to be set') },
        { path: 'line 4', value: '${MISSING_TWO}', expected: expect.stringContaining('MISSING_TWO to be set') },
      ],
    });
  });

  it.each([['${}'], ['${1BAD}'], ['${BAD-NAME}'], ['${HOST'], ['${HOST:default}']])(
    'reports malformed reference %j',
    (reference) => {
      const result = expandEnv(`k: ${reference}`, env);
      expect(result).toEqual({
        problems: [{ path: 'line 1', value: expect.any(String), expected: expect.stringContaining('${NAME}') }],
      });
    },
  );

  it('does not expand the result of an expansion again', () => {
    expect(expandEnv('k: ${NESTED}', { NESTED: '${HOST}' })).toEqual({ text: 'k: ${HOST}' });
  });
});
