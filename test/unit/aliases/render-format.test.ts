import { describe, expect, it } from 'vitest';
import { compileAliases, findOverlaps, matchFormat, renderFormat } from '../../../src/aliases/index.ts';
import type { AliasSpec } from '../../../src/aliases/index.ts';

describe('renderFormat', () => {
  it.each<[string, Record<string, string>, string]>([
    ['restart {{service}} on {{host}}', { service: 'web', host: 'prod' }, 'restart web on prod'],
    ['deploy {{app}}( to {{env}})?', { app: 'web', env: 'prod' }, 'deploy web to prod'],
    ['deploy {{app}}( to {{env}})?', { app: 'web' }, 'deploy web'],
    ['acl {{a}} {{b=1}} end', { a: 'x' }, 'acl x end'],
    ['acl {{a}} {{b=1}} end', { a: 'x', b: '2' }, 'acl x 2 end'],
    ['(show|sh) ip (route|ro) on {{deviceIP}}', { deviceIP: '10.0.0.1' }, 'show ip route on 10.0.0.1'],
    ['((beep|honk|meep)-?)+[!.]*', {}, 'beep-'],
    ['pdns create {{ name }} {{ zone }} [Aa] ', { name: 'www', zone: 'x.io' }, 'pdns create www x.io A'],
    ['fixes (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)', { issue_key: 'ABC-1' }, 'fixes ABC-1'],
    ['ping {{host}}', {}, 'ping host'],
    ['v\\d+\\.\\d+ \\w+', {}, 'v0.0 x'],
  ])('renders %j with %j', (format, values, expected) => {
    expect(renderFormat(format, values)).toBe(expected);
  });

  it.each([
    'restart {{service}} on {{host}}',
    'deploy {{app}}( to {{env}})?',
    '(show|sh) ip (route|ro) on {{deviceIP}}',
    '((beep|honk|meep)-?)+ {{vin}}[!.]*',
    'How do I feel? I feel... {{status}}!',
    '^\\s*foo (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+) bar\\s*$',
  ])('renders a command that %j matches', (format) => {
    expect(matchFormat(format, renderFormat(format, {})).kind).toBe('matched');
  });
});

const spec = (id: string, formats: string[]): AliasSpec => ({ id, action: id, enabled: true, formats, immutableParameters: {} });

describe('findOverlaps', () => {
  it('reports formats of different aliases that match one sample', () => {
    const overlaps = findOverlaps([spec('deploy', ['deploy {{app}}']), spec('deploy_to', ['deploy {{app}} to {{env}}']), spec('stop', ['stop {{x}}'])]);
    expect(overlaps).toEqual([
      { a: 'deploy_to', b: 'deploy', formatA: 'deploy {{app}} to {{env}}', formatB: 'deploy {{app}}', sample: 'deploy alpha to bravo' },
    ]);
    const { matcher } = compileAliases([spec('deploy', ['deploy {{app}}'])]);
    expect(matcher.match(overlaps[0]!.sample).kind).toBe('matched');
  });

  it('ignores formats of the same alias', () => {
    expect(findOverlaps([spec('ping', ['ping {{host}}', 'ping {{host}} count {{n}}'])])).toEqual([]);
  });

  it('reports nothing for distinct formats', () => {
    expect(findOverlaps([spec('a', ['restart {{s}} on {{h}}']), spec('b', ['status of {{s}}'])])).toEqual([]);
  });
});
