import { describe, expect, it } from 'vitest';
import type { AliasSpec } from '../../../src/aliases/index.ts';
import { compileAliases } from '../../../src/aliases/index.ts';
import type { FormatEntry, ParameterSpec } from '../../../src/config/schema.ts';

const alias = (id: string, formats: FormatEntry[], more: Partial<AliasSpec> = {}): AliasSpec => ({
  id,
  action: `act.${id}`,
  enabled: true,
  formats,
  immutableParameters: {},
  ...more,
});

describe('compileAliases', () => {
  it('matches a command and reports alias, action, format and params', () => {
    const { matcher, problems } = compileAliases([alias('ops.restart', ['restart {{service}} on {{host}}'])]);
    expect(problems).toEqual([]);
    expect(matcher.match('restart web on prod')).toEqual({
      kind: 'matched',
      alias: 'ops.restart',
      action: 'act.ops.restart',
      format: 'restart {{service}} on {{host}}',
      params: { service: 'web', host: 'prod' },
    });
  });

  it('reports a format that does not compile and keeps the others working', () => {
    const { matcher, problems } = compileAliases([
      alias('vyatta.cfg', ['cfg {{ip}} and {{ip}}', 'cfg {{ip}}']),
      alias('other', [{ display: 'x', representation: ['ok {{a}}', 'bad ( {{a}}'] }]),
    ]);
    expect(problems).toEqual([
      {
        alias: 'vyatta.cfg',
        formatIndex: 0,
        format: 'cfg {{ip}} and {{ip}}',
        message: 'parameter "ip" appears more than once in the format',
        severity: 'error',
      },
      expect.objectContaining({ alias: 'other', formatIndex: 0, representationIndex: 1, format: 'bad ( {{a}}', severity: 'error' }),
    ]);
    expect(matcher.match('cfg 10.0.0.1')).toMatchObject({ kind: 'matched', alias: 'vyatta.cfg', params: { ip: '10.0.0.1' } });
    expect(matcher.match('ok fine')).toMatchObject({ kind: 'matched', alias: 'other' });
  });

  it('never matches a disabled alias but lists it, flagged', () => {
    const { matcher } = compileAliases([alias('bolt.run', ['bolt run {{cmd}}'], { enabled: false })]);
    expect(matcher.match('bolt run uptime').kind).toBe('none');
    expect(matcher.aliases).toEqual([
      expect.objectContaining({ id: 'bolt.run', enabled: false, display: ['bolt run {{cmd}}'], formats: ['bolt run {{cmd}}'] }),
    ]);
  });

  it('never matches a display-only format but shows it in help', () => {
    const { matcher } = compileAliases([alias('goonies', [{ display: 'Watch this.' }])]);
    expect(matcher.match('Watch this.').kind).toBe('none');
    expect(matcher.aliases[0]?.display).toEqual(['Watch this.']);
  });

  it('matches every representation and shows the display', () => {
    const { matcher } = compileAliases([alias('short_circuit', [{ display: 'Number 5 is {{status}}', representation: ['Number 5 is {{status=alive}}'] }])]);
    expect(matcher.match('number 5 is')).toMatchObject({ kind: 'matched', params: { status: 'alive' } });
    expect(matcher.aliases[0]?.entries).toEqual([
      { display: 'Number 5 is {{status}}', representations: ['Number 5 is {{status=alive}}'], matchMultiple: false },
    ]);
  });

  it.each([
    ['deploy web to prod', 'deploy_to', { app: 'web', env: 'prod' }],
    ['deploy web', 'deploy', { app: 'web' }],
  ])('picks the most specific format across aliases for "%s"', (text, id, params) => {
    const { matcher } = compileAliases([alias('deploy', ['deploy {{app}}']), alias('deploy_to', ['deploy {{app}} to {{env}}'])]);
    expect(matcher.match(text)).toMatchObject({ kind: 'matched', alias: id, params });
  });

  it.each([
    ['who owes me beer', 'who owes me beer', {}],
    ['who owes bob beer', 'who owes {{ recipient }} beer', { recipient: 'bob' }],
    ['ping web1 count 3', 'ping {{ host }} count {{ count }}', { host: 'web1', count: '3' }],
    ['ping web1', 'ping {{ host }}', { host: 'web1' }],
  ])('never finds several formats of one alias ambiguous: "%s"', (text, format, params) => {
    const { matcher } = compileAliases([
      alias('beertab', ['who owes me beer', 'who owes {{ recipient }} beer']),
      alias('net', ['ping {{ host }}', 'ping {{ host }} count {{ count }}']),
    ]);
    expect(matcher.match(text)).toMatchObject({ kind: 'matched', format, params });
  });

  it('takes the first declared format of one alias when neither is more specific', () => {
    const { matcher } = compileAliases([alias('a', ['say {{x}}', 'say {{y}}'])]);
    expect(matcher.match('say hi')).toMatchObject({ format: 'say {{x}}', params: { x: 'hi' } });
  });

  it('reports an ambiguity with every candidate', () => {
    const { matcher } = compileAliases([alias('a', ['status {{svc}}']), alias('b', ['status {{host}}']), alias('c', ['stop {{x}}'])]);
    expect(matcher.match('status web')).toEqual({
      kind: 'ambiguous',
      candidates: [
        { alias: 'a', format: 'status {{svc}}' },
        { alias: 'b', format: 'status {{host}}' },
      ],
    });
  });

  it('adds immutable parameters', () => {
    const { matcher } = compileAliases([alias('scalyr', ['query {{q}}'], { immutableParameters: { maxCount: 10 } })]);
    expect(matcher.match('query errors')).toMatchObject({ params: { q: 'errors', maxCount: 10 } });
  });

  it.each([
    ['an extra', 'query errors env=prod', 'env'],
    ['a positional value', 'query errors in prod', 'env'],
  ])('refuses %s that overrides an immutable parameter', (_name, text, key) => {
    const { matcher } = compileAliases([alias('scalyr', ['query {{q}} in {{env}}', 'query {{q}}'], { immutableParameters: { env: 'dev', other: 1 } })]);
    expect(matcher.match(text)).toMatchObject({ kind: 'invalid', alias: 'scalyr', parameter: key, error: `Immutable arguments cannot be overriden: ${key}` });
  });

  it('casts values by the action schema and reports a bad one with its parameter', () => {
    const parameters: Record<string, ParameterSpec> = { count: { type: 'integer' }, force: { type: 'boolean', default: false } };
    const { matcher } = compileAliases([alias('net', ['ping {{ host }}', 'ping {{ host }} count {{ count }}'], { parameters })]);
    expect(matcher.match('ping web1 count 3')).toMatchObject({ params: { host: 'web1', count: 3, force: false } });
    expect(matcher.match('ping web1 count abc')).toEqual({
      kind: 'invalid',
      alias: 'net',
      action: 'act.net',
      format: 'ping {{ host }} count {{ count }}',
      parameter: 'count',
      error: 'bad value for count: expected an integer, got "abc"',
    });
  });

  it('yields one parameter set per hit for match_multiple formats', () => {
    const { matcher } = compileAliases([
      alias('fixes', [
        { display: 'fixes <issue_key>', representation: ['(?:\\b|^)fixes (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)'], match_multiple: true },
      ]),
    ]);
    const r = matcher.match('this fixes ABC-1 and fixes DEF-22 too');
    expect(r).toMatchObject({ kind: 'matched', params: { issue_key: 'ABC-1' }, multiple: [{ issue_key: 'ABC-1' }, { issue_key: 'DEF-22' }] });
  });

  it('prefers single formats over match_multiple ones, as StackStorm does', () => {
    const { matcher } = compileAliases([
      alias('multi', [{ representation: ['(?:\\b|^)fixes (?P<k>\\S+)'], match_multiple: true }]),
      alias('single', ['fixes {{k}}']),
    ]);
    expect(matcher.match('fixes X-1')).toMatchObject({ alias: 'single', params: { k: 'X-1' } });
  });

  it('answers no match with the closest formats, best first, at most 3', () => {
    const { matcher } = compileAliases([
      alias('restart', ['restart {{service}} on {{host}}']),
      alias('restore', [{ display: 'restore <backup>', representation: ['restore {{backup}}'] }]),
      alias('deploy', ['deploy {{app}} to {{env}}']),
      alias('status', ['status of {{service}}']),
      alias('reset', ['reset {{service}} on {{host}}']),
      alias('start', ['start {{service}} on {{host}}']),
    ]);
    const r = matcher.match('restrat web on prod');
    expect(r.kind).toBe('none');
    const suggestions = r.kind === 'none' ? r.suggestions : [];
    expect(suggestions).toHaveLength(3);
    expect(suggestions[0]).toBe('restart {{service}} on {{host}}');
    expect(suggestions).not.toContain('deploy {{app}} to {{env}}');
  });

  it('suggests nothing for a text unlike every format', () => {
    const { matcher } = compileAliases([alias('restart', ['restart {{service}} on {{host}}'])]);
    expect(matcher.match('zzzz qqqq')).toEqual({ kind: 'none', suggestions: [] });
  });

  it.each([
    ['a predicate', (id: string) => id === 'b'],
    ['a list of ids', ['b']],
  ])('considers only the aliases allowed by %s', (_name, only) => {
    const { matcher } = compileAliases([alias('a', ['status {{svc}}']), alias('b', ['status {{host}}']), alias('c', ['statues'])]);
    expect(matcher.match('status web', { only })).toMatchObject({ kind: 'matched', alias: 'b' });
    expect(matcher.match('statue', { only })).toEqual({ kind: 'none', suggestions: ['status {{host}}'] });
  });

  it('refuses a command longer than 4,096 characters with a clear message', () => {
    const { matcher } = compileAliases([alias('a', ['say {{x}}'])]);
    expect(matcher.match('a'.repeat(4097))).toEqual({ kind: 'invalid', error: 'command is too long: 4097 characters (the limit is 4096)' });
    expect(matcher.match(`say ${'a'.repeat(4092)}`).kind).toBe('matched');
  });

  it('finds through the word index exactly what trying every format finds', () => {
    const verbs = ['restart', 'stop', 'start', 'deploy', 'show', 'Ping', 'fix-it', 'scale'];
    const nouns = ['web', 'api', 'db', 'cache', 'v1.2', 'queue_x'];
    const formats = [
      ...verbs.flatMap((v) => nouns.map((n) => `${v} ${n} {{a}} on {{b}}`)),
      '(show|sh) ip (route|ro) on {{ip}}',
      'How do I feel? I feel... {{status}}!',
      '{{who}} the person on call for {{team}}',
      '(?:\\b|^)fixes (?P<k>[A-Z]+-[0-9]+)',
      'run {{cmd}}( on {{host=local}})?',
      'feel{{x}} {{y=1}}again',
    ];
    const specs = formats.map((f, i) => alias(`a${i}`, [f]));
    const { matcher } = compileAliases(specs);
    const texts = [
      ...verbs.flatMap((v) => nouns.map((n) => `${v.toUpperCase()} ${n} x on y`)),
      'sh ip ro on 1.2.3.4',
      'how do i fee i feel... ok!',
      'Alice the person on call for ops',
      'it fixes ABC-1',
      'run ls on web',
      'run ls',
      'feelgood again',
      'feelgood 2again',
    ];
    const singles = specs.map((s) => ({ id: s.id, matcher: compileAliases([s]).matcher }));
    for (const text of texts) {
      const viaIndex = matcher.hits(text).map((h) => h.slot.spec.id);
      const each = singles.filter((s) => s.matcher.hits(text).length > 0).map((s) => s.id);
      expect(each.length, text).toBeGreaterThan(0);
      expect(viaIndex, text).toEqual(each);
    }
  });
});
