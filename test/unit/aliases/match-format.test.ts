import { describe, expect, it } from 'vitest';
import { matchFormat } from '../../../src/aliases/index.ts';

const params = (format: string, text: string) => {
  const r = matchFormat(format, text);
  return r.kind === 'matched' ? r.params : r;
};

describe('matchFormat', () => {
  // StackStorm's own cases: st2common/tests/unit/test_action_alias_utils.py (TestActionAliasParser)
  it.each<[string, string, string, Record<string, string>]>([
    ['test_empty_string', '', '', {}],
    ['test_arbitrary_pairs single word', '', 'a=foobar1', { a: 'foobar1' }],
    ['test_arbitrary_pairs double quoted', 'foo', 'foo a="foobar2 poonies bar"', { a: 'foobar2 poonies bar' }],
    ['test_arbitrary_pairs single quoted', 'foo', "foo a='foobar2 poonies bar'", { a: 'foobar2 poonies bar' }],
    ['test_arbitrary_pairs json', 'foo', 'foo a={"foobar2": "poonies"}', { a: '{"foobar2": "poonies"}' }],
    [
      'test_arbitrary_pairs mixed',
      '',
      `a=foobar1 b="boobar2 3 4" c='coobar3 4' d={"a": "b"}`,
      { a: 'foobar1', b: 'boobar2 3 4', c: 'coobar3 4', d: '{"a": "b"}' },
    ],
    [
      'test_arbitrary_pairs with a format',
      '{{ captain }} is my captain',
      'Malcolm Reynolds is my captain weirdo="River Tam"',
      { captain: 'Malcolm Reynolds', weirdo: 'River Tam' },
    ],
    ['test_simple_parsing', 'skip {{a}} more skip {{b}} and skip more.', 'skip a1 more skip b1 and skip more.', { a: 'a1', b: 'b1' }],
    ['test_end_string_parsing', 'skip {{a}} more skip {{b}}', 'skip a1 more skip b1', { a: 'a1', b: 'b1' }],
    ['test_spaced_parsing', 'skip {{a}} more skip {{b}} and skip more.', 'skip "a1 a2" more skip b1 and skip more.', { a: 'a1 a2', b: 'b1' }],
    ['test_default_values', 'acl {{a}} {{b}} {{c}} {{d=1}}', 'acl "a1 a2" "b1" "c1"', { a: 'a1 a2', b: 'b1', c: 'c1', d: '1' }],
    ['test_spacing', 'acl {{a=test}}', 'acl', { a: 'test' }],
    ['test_json_parsing', 'skip {{a}} more skip.', 'skip {"a": "b", "c": "d"} more skip.', { a: '{"a": "b", "c": "d"}' }],
    ['test_mixed_parsing', 'skip {{a}} more skip {{b}}.', 'skip {"a": "b", "c": "d"} more skip x.', { a: '{"a": "b", "c": "d"}', b: 'x' }],
    [
      'test_param_spaces',
      's {{a}} more {{ b }} more {{ c=99 }} more {{ d = 99 }}',
      's one more two more three more',
      { a: 'one', b: 'two', c: 'three', d: '99' },
    ],
    ['test_enclosed_defaults given', 'skip {{ a = value }} more', 'skip one more', { a: 'one' }],
    ['test_enclosed_defaults absent', 'skip {{ a = value }} more', 'skip more', { a: 'value' }],
    ['test_template_defaults', 'two by two hands of {{ color = {{ colors.default_color }} }}', 'two by two hands of', { color: '{{ colors.default_color }}' }],
    ['test_key_value_combinations one', 'testing {{ a }}', 'testing value b=value2', { a: 'value', b: 'value2' }],
    ['test_key_value_combinations default', 'testing {{ a=new }}', 'testing b="another value"', { a: 'new', b: 'another value' }],
    [
      'test_key_value_combinations several',
      'testing {{ b=abc }} {{ c=xyz }}',
      'testing newvalue d={"1": "2"} e="long value"',
      { b: 'newvalue', c: 'xyz', d: '{"1": "2"}', e: 'long value' },
    ],
    ['test_stream_is_none_with_all_default_values', 'skip {{d=test1}} more skip {{e=test1}}.', 'skip more skip', { d: 'test1', e: 'test1' }],
    ['test_stream_is_not_none_some_default_values', 'skip {{d=test}} more skip {{e=test}}', 'skip ponies more skip', { d: 'ponies', e: 'test' }],
    [
      'test_all_the_things',
      "{{ p0='http' }} g {{ p1=p }} a {{ url }} {{ p2={'a':'b'} }} {{ p3={{ e.i }} }}",
      "g a http://google.com {{ execution.id }} p4='testing' p5={'a':'c'}",
      { p0: 'http', p1: 'p', url: 'http://google.com', p2: '{{ execution.id }}', p3: '{{ e.i }}', p4: 'testing', p5: "{'a':'c'}" },
    ],
    ['test_ending_parameters_matching', 'foo bar', 'foo bar pony1=foo pony2=bar', { pony1: 'foo', pony2: 'bar' }],
    ['test_regex_beginning_anchors', '^\\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)', 'foo ASDF-1234', { issue_key: 'ASDF-1234' }],
    ['test_regex_ending_anchors', 'foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\\s*$', 'foo ASDF-1234', { issue_key: 'ASDF-1234' }],
    ['test_regex_beginning_and_ending_anchors', '^\\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+) bar\\s*$', 'foo ASDF-1234 bar', { issue_key: 'ASDF-1234' }],
    // test_util_actionalias_matching.py test_matching
    ['test_matching', '{{choice}} cross the {{target}}', "Don't cross the streams", { choice: "Don't", target: 'streams' }],
  ])('parses StackStorm case %s', (_name, format, text, expected) => {
    expect(params(format, text)).toEqual(expected);
  });

  it.each([
    ['test_stream_is_none_no_default_values', 'skip {{d}} more skip {{e}}.', ''],
    ['test_command_doesnt_match_format_string', 'foo bar ponies', 'foo lulz ponies'],
    ['test_regex_beginning_anchors_dont_match', '^\\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)', 'bar foo ASDF-1234'],
    ['test_regex_ending_anchors_dont_match', 'foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\\s*$', 'foo ASDF-1234 bar'],
    ['test_regex_beginning_and_ending_anchors_dont_match', '^\\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)\\s*$', 'bar ASDF-1234'],
  ])('does not match StackStorm case %s', (_name, format, text) => {
    expect(matchFormat(format, text)).toEqual({ kind: 'none', suggestions: [] });
  });

  // Switchboard's deliberate improvements (docs/contracts.md section 3)
  it.each<[string, string, string, Record<string, string>]>([
    ['matches literal words case-insensitively, values keep case', 'restart {{service}} on {{host}}', 'Restart Web on PROD', { service: 'Web', host: 'PROD' }],
    ['keeps user character classes case-sensitive', 'fixes (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)', 'FIXES ABC-12', { issue_key: 'ABC-12' }],
    ['matches any run of blanks for one blank', 'restart {{service}} on {{host}}', 'restart \t web\n\non   prod', { service: 'web', host: 'prod' }],
    ['trims values', 'say {{a}}, then {{b}}', 'say   hello  , then   bye', { a: 'hello', b: 'bye' }],
    ['keeps "" as an empty string', 'say {{msg}}', 'say ""', { msg: '' }],
    ["keeps '' as an empty string", 'say {{msg=hi}}', "say ''", { msg: '' }],
    [
      'takes as little as the rest allows, the last takes the rest',
      'google {{query}} and return {{count}} results',
      'google cats and dogs and return 5 results',
      { query: 'cats and dogs', count: '5' },
    ],
    ['gives the last parameter the rest', 'echo {{a}} {{b}}', 'echo one two three', { a: 'one', b: 'two three' }],
    ['keeps quoted phrases whole', 'echo {{a}} {{b}}', 'echo "one two" three', { a: 'one two', b: 'three' }],
    ['keeps single-quoted phrases whole', 'echo {{a}} {{b}}', "echo 'one two' three", { a: 'one two', b: 'three' }],
    ['keeps json values as written', 'set {{key}} to {{value}}', 'set cfg to {"a": {"b": [1, 2]}}', { key: 'cfg', value: '{"a": {"b": [1, 2]}}' }],
    ['returns quoted defaults without quotes', "run {{cmd}} {{target='*'}}", 'run uptime', { cmd: 'uptime', target: '*' }],
    ['returns list defaults as written', 'find incidents {{statuses=[triggered,acknowledged]}}', 'find incidents', { statuses: '[triggered,acknowledged]' }],
    ['returns None defaults as the string', 'pool {{vtm=None}}', 'pool', { vtm: 'None' }],
    ['returns defaults with spaces as written', 'greet {{who = the whole world}}', 'greet', { who: 'the whole world' }],
    ['lets extras override positional values', 'somestuff {{a}} more stuff {{b}}', 'somestuff ponies more stuff coobar b=foo', { a: 'ponies', b: 'foo' }],
    ['keeps a URL ending in ?q=1 as a value', 'open {{url}}', 'open https://example.com/search?q=1', { url: 'https://example.com/search?q=1' }],
    ['never takes extras from inside quotes', 'say {{msg}}', 'say "debug mode=on"', { msg: 'debug mode=on' }],
    ['needs an identifier-like key for extras', 'run {{cmd}}', 'run ls --color=auto', { cmd: 'ls --color=auto' }],
    ['keeps balanced braces whole in extras', 'apply', 'apply data={"a": {"b c": 1}}', { data: '{"a": {"b c": 1}}' }],
    ['takes extras after a word with an apostrophe', 'say {{msg}}', "say don't x=1", { msg: "don't", x: '1' }],
    ['keeps an unbalanced brace value as text', 'say {{msg}}', 'say a={b', { msg: 'a={b' }],
    ['keeps a pair that is not at the end as text', 'say {{msg}}', 'say a=1 then b', { msg: 'a=1 then b' }],
    [
      'falls back to the whole text when taking extras leaves no match',
      'splunk query {{query}}',
      'splunk query index=main sourcetype=syslog',
      { query: 'index=main sourcetype=syslog' },
    ],
    ['reads raw named groups as parameters', '(?P<verb>start|stop) {{svc}}', 'stop nginx', { verb: 'stop', svc: 'nginx' }],
    ['matches alternations', '(show|sh) ip (route|ro) on {{deviceIP}}', 'sh ip ro on 10.0.0.1', { deviceIP: '10.0.0.1' }],
    [
      'matches a trailing blank in the format',
      'pdns create {{ name }} {{ zone }} [Aa] ',
      'pdns create www example.com A',
      { name: 'www', zone: 'example.com' },
    ],
    ['matches pure regex formats', '((beep|honk|meep)-?)+[!.]*', 'beep-honk-meep!!', {}],
    ['matches regex quantifiers on letters', 'How do I feel? I feel... {{status}}!', 'how do i fee i feel... alive!', { status: 'alive' }],
  ])('%s', (_name, format, text, expected) => {
    expect(params(format, text)).toEqual(expected);
  });

  it('leaves unmatched optional groups absent', () => {
    const f = 'create deployment for {{repo}}( type {{github_type}})?';
    expect(params(f, 'create deployment for st2')).toEqual({ repo: 'st2' });
    expect(params(f, 'create deployment for st2 type online')).toEqual({ repo: 'st2', github_type: 'online' });
  });

  it('treats a blank value as absent, so the default applies', () => {
    expect(params('say {{a}}:{{b=none}}', 'say x:   ')).toEqual({ a: 'x', b: 'none' });
  });

  it('does not match a required parameter with a blank value', () => {
    expect(matchFormat('say {{a}} now', 'say   now').kind).toBe('none');
  });

  it('casts values by the given parameter schema', () => {
    const spec = { count: { type: 'integer' as const } };
    expect(matchFormat('ping {{host}} count {{count}}', 'ping web1 count 5', spec)).toMatchObject({ params: { host: 'web1', count: 5 } });
    expect(matchFormat('ping {{host}} {{count=3}}', 'ping web1', spec)).toMatchObject({ params: { host: 'web1', count: 3 } });
  });

  it.each([
    ['the same placeholder twice', '{{a}} and {{a}}', /parameter "a" appears more than once/],
    ['a bad regex', 'restart ( {{svc}}', /missing "\)"/],
    ['a lookahead', '(?=x){{a}}', /lookahead\/lookbehind is not supported/],
    ['a backreference', '(a)\\1 {{b}}', /backreference/],
    ['an unclosed placeholder', 'say {{msg', /unclosed placeholder/],
    ['an invalid RE2 construct', 'a{2,1} {{b}}', /invalid regular expression/],
  ])('reports %s as an invalid format', (_name, format, message) => {
    const r = matchFormat(format, 'anything');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.error).toMatch(message);
  });

  it('refuses commands longer than 4,096 characters', () => {
    const r = matchFormat('say {{msg}}', `say ${'x'.repeat(4096)}`);
    expect(r).toEqual({ kind: 'invalid', error: 'command is too long: 4100 characters (the limit is 4096)' });
  });
});
