import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProcessorConfig } from '../../src/config/index.js';
import { validate } from '../../src/config/index.js';
import type { SeriesParts } from '../../src/model/index.js';
import { AttributeProcessors, luhn } from '../../src/processors/index.js';

const parts = (attributes: [string, string][], resource: [string, string][] = [['service.name', 'svc']]): SeriesParts => ({
  name: 'm',
  kind: 'gauge',
  temporality: 'unspecified',
  monotonic: false,
  unit: '',
  description: '',
  resource,
  scopeName: '',
  scopeVersion: '',
  attributes,
});

/** Rules as a config file would give them (defaults filled by the schema). */
function rules(yamlShaped: unknown[]): readonly ProcessorConfig[] {
  const r = validate({ processors: yamlShaped });
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.config.processors;
}

const redactAll = (value: string): string => {
  const p = new AttributeProcessors(rules([{ redact: { patterns: ['email', 'ipv4', 'ipv6', 'credit_card', 'bearer'], mask: '#' } }]));
  const out = p.process(parts([['v', value]]));
  return out.drop ? 'dropped' : out.parts.attributes[0]![1];
};

describe('redaction patterns', () => {
  it.each([
    ['mail to john.doe+tag@mail.example.co.uk now', 'mail to # now'],
    ['from 10.0.12.255:8080', 'from #:8080'],
    ['not an address 999.1.1.1 or 1.2.3', 'not an address 999.1.1.1 or 1.2.3'],
    ['v6 2001:db8::1 and fe80::1%eth0', 'v6 # and #'],
    ['mapped ::ffff:192.0.2.1', 'mapped #'],
    ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'full #'],
    ['a time 12:30:45 and std::vector', 'a time 12:30:45 and std::vector'],
    ['card 4111-1111-1111-1111 or 4111111111111111', 'card # or #'],
    ['not a card (Luhn) 4111111111111112', 'not a card (Luhn) 4111111111111112'],
    ['Authorization: Bearer abc.DEF_123-~+/= trailing', 'Authorization: # trailing'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end', 'jwt # end'],
  ])('%s', (input, output) => {
    expect(redactAll(input)).toBe(output);
  });

  it('checks card numbers with Luhn', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('5500005555555559')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(luhn('411111111111')).toBe(false);
  });

  it('hash mode: HMAC-SHA256 of the match, the same value every time', () => {
    const key = new TextEncoder().encode('0123456789abcdef-key');
    const p = new AttributeProcessors(rules([{ redact: { patterns: ['email'], mode: 'hash', hash_key_file: '/unused' } }]), [key]);
    const out = p.process(parts([['user', 'x a@b.io y']]));
    const hmac = createHmac('sha256', key).update('a@b.io').digest('hex').slice(0, 16);
    expect(out.drop ? null : out.parts.attributes).toEqual([['user', `x hmac:${hmac} y`]]);
  });
});

describe('rules in order', () => {
  it('applies each rule at its levels and reports which changed the series', () => {
    const p = new AttributeProcessors(
      rules([
        { drop_attributes: { keys: '^user\\.', levels: ['point'] } },
        { rename: { from: 'http.method', to: 'http.request.method' } },
        { set: { attributes: { 'deployment.environment': 'prod' } } },
        { keep_attributes: { keys: '^(http|deployment)\\.' } },
        { set: { attributes: { team: 'a' }, level: 'resource' } },
      ]),
    );
    const out = p.process(parts([['user.id', '7'], ['http.method', 'GET'], ['http.request.method', 'old'], ['other', 'x']], [['service.name', 'svc'], ['user.id', 'r']]));
    expect(out).toEqual({
      drop: false,
      hits: [0, 1, 2, 3, 4],
      parts: expect.objectContaining({
        attributes: [['http.request.method', 'GET'], ['deployment.environment', 'prod']],
        resource: [['service.name', 'svc'], ['user.id', 'r'], ['team', 'a']],
      }),
    });
  });

  it('drop_metrics stops at its rule; unchanged series report no hits', () => {
    const p = new AttributeProcessors(rules([{ drop_attributes: { keys: '^x$' } }, { drop_metrics: { names: '^m$' } }]));
    expect(p.process(parts([['a', '1']]))).toEqual({ drop: true, rule: 1 });
    expect(p.process({ ...parts([['a', '1']]), name: 'kept' })).toMatchObject({ drop: false, hits: [] });
    expect(p.labels).toEqual(['1:drop_attributes', '2:drop_metrics']);
  });
});

describe('processors configuration', () => {
  it('names the rule and key of each problem', () => {
    const r = validate({ processors: [{ redact: { patterns: ['mail'] } }, { drop_attributes: {} }, { rename: { from: 'a' } }, 'set', { drop_metrics: { names: '(?=x)' } }] });
    expect('problems' in r ? r.problems.map((p) => p.path) : []).toEqual([
      'processors[0].redact.patterns',
      'processors[0].redact',
      'processors[1].drop_attributes.keys',
      'processors[2].rename.to',
      'processors[3]',
      'processors[4].drop_metrics.names',
    ]);
  });

  it('never shows a bearer token in a problem', () => {
    const r = validate({ api: { auth: { bearer_tokens: ['s3cret', 's3cret'] } } });
    expect('problems' in r ? r.problems : []).toEqual([{ path: 'api.auth.bearer_tokens', value: '(hidden)', expected: expect.stringContaining('distinct') }]);
  });
});
