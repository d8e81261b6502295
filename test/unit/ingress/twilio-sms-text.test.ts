import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import type { CommandOutcome } from '../../../src/commands/run-command.ts';
import type { Config } from '../../../src/config/types.ts';
import { parseHelpRequest, smsKeyword } from '../../../src/providers/sms/keywords.ts';
import { paginateLines, smsHelpPage } from '../../../src/providers/sms/help.ts';
import { outcomeReply } from '../../../src/providers/sms/replies.ts';
import { smsFormat, truncateToSegments } from '../../../src/providers/sms/text.ts';
import { EMPTY_TWIML, escapeXml, twimlMessage } from '../../../src/providers/sms/twiml.ts';
import { countSegments } from '../../../src/providers/sms/segments.ts';

describe('smsKeyword', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    [' Stop. ', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['unsubscribe', 'opt_out'],
    ['CANCEL', 'opt_out'],
    ['end', 'opt_out'],
    ['QUIT', 'opt_out'],
    ['START', 'opt_in'],
    ['yes', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['stop web', undefined],
    ['cancel 01J9', undefined],
    ['restart', undefined],
    ['', undefined],
    ['constructor', undefined],
    ['toString', undefined],
  ])('classifies %j as %j', (body, expected) => {
    expect(smsKeyword(body)).toBe(expected);
  });
});

describe('parseHelpRequest', () => {
  it.each([
    ['help', { page: 1 }],
    ['Help 2', { page: 2 }],
    ['help deploy', { filter: 'deploy', page: 1 }],
    ['help deploy 3', { filter: 'deploy', page: 3 }],
    ['help  0', { page: 1 }],
    ['helpme', undefined],
    ['info web', undefined],
    ['restart web', undefined],
  ])('reads %j as %j', (body, expected) => {
    expect(parseHelpRequest(body)).toEqual(expected);
  });
});

describe('escapeXml / twimlMessage', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c"'d'\u0001\u0007e\uD800`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e');
    expect(escapeXml('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('wraps a text in a Message and answers an empty Response for no text', () => {
    expect(twimlMessage('</Message><Redirect>x</Redirect>')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>&lt;/Message&gt;&lt;Redirect&gt;x&lt;/Redirect&gt;</Message></Response>',
    );
    expect(twimlMessage('')).toBe(EMPTY_TWIML);
    expect(twimlMessage(undefined)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});

describe('truncateToSegments / smsFormat', () => {
  it('keeps a short text and cuts a long one at a word, within one segment', () => {
    expect(truncateToSegments('short')).toBe('short');
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const cut = truncateToSegments(long);
    expect(countSegments(cut).segments).toBe(1);
    expect(cut.endsWith('...')).toBe(true);
    expect(long.startsWith(cut.slice(0, -3))).toBe(true);
    expect(long[cut.length - 3]).toBe(' ');
  });

  it('cuts inside a single over-long word', () => {
    const cut = truncateToSegments('x'.repeat(500));
    expect(cut).toBe(`${'x'.repeat(157)}...`);
  });

  it('shows parameters with angle brackets (braces cost two GSM-7 septets)', () => {
    expect(smsFormat('deploy {{app}} to {{ env = staging }}')).toBe('deploy <app> to <env=staging>');
  });
});

const specs = Array.from({ length: 14 }, (_, i) => ({
  id: `ops.task${i}`,
  action: 'core.noop',
  enabled: true,
  formats: [`run task number ${i} on {{host}} with {{count=1}}`],
  immutableParameters: {},
}));
const { matcher } = compileAliases([...specs, { id: 'core.ping', action: 'core.ping', enabled: true, formats: ['ping'], immutableParameters: {} }]);
const config = {
  main: { users: { alice: { roles: ['ops'] }, bob: { roles: ['viewer'] } } },
  aliases: [...specs.map((s) => ({ id: s.id, allow: ['ops'] })), { id: 'core.ping' }],
} as unknown as Pick<Config, 'main' | 'aliases'>;

describe('smsHelpPage', () => {
  it('fits every page into one segment and covers each command once', () => {
    const first = smsHelpPage({ config, matcher }, 'alice', undefined, 1);
    expect(first.pages).toBeGreaterThan(1);
    const seen: string[] = [];
    for (let p = 1; p <= first.pages; p++) {
      const page = smsHelpPage({ config, matcher }, 'alice', undefined, p);
      expect(countSegments(page.text).segments).toBe(1);
      expect(page.text.endsWith(`(${p}/${first.pages})`) || page.text.includes(`more: help ${p + 1}`)).toBe(true);
      seen.push(...page.text.split('\n').slice(0, -1));
    }
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    expect(seen).toContain('run task number 3 on <host> with <count=1>');
  });

  it('shows each person only what they may run', () => {
    expect(smsHelpPage({ config, matcher }, 'bob', undefined, 1)).toEqual({ text: 'ping', page: 1, pages: 1 });
  });

  it('filters, clamps the page and says when nothing matches', () => {
    expect(smsHelpPage({ config, matcher }, 'alice', 'number 13', 5).text).toBe('run task number 13 on <host> with <count=1>');
    expect(smsHelpPage({ config, matcher }, 'bob', 'deploy', 1).text).toBe('No commands match "deploy".');
  });

  it('names the filter in the footer', () => {
    const page = smsHelpPage({ config, matcher }, 'alice', 'task', 1);
    expect(page.text).toContain(`more: help task 2`);
  });

  it('packs lines without splitting or losing any', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    expect(paginateLines(lines).flat()).toEqual(lines);
  });
});

describe('outcomeReply', () => {
  const exec = (id: string) => ({ execution: { id } as never, created: true });
  it.each<[string, CommandOutcome, string | RegExp]>([
    [
      'queued',
      { kind: 'queued', alias: 'ops.restart', action: 'ops.restart', text: 't', executions: [exec('01J9')], ...exec('01J9') },
      'Queued 01J9: ops.restart',
    ],
    ['forbidden', { kind: 'forbidden', text: 't', alias: 'ops.restart' }, 'not allowed: ops.restart'],
    [
      'invalid',
      { kind: 'invalid', text: 't', error: 'bad value for count: expected integer, got "x"', parameter: 'count' },
      'bad value for count: expected integer, got "x"',
    ],
    ['none with suggestions', { kind: 'none', text: 't', suggestions: ['restart {{service}}', 'ping'] }, 'No match. Did you mean: restart <service> | ping?'],
    ['none without', { kind: 'none', text: 't', suggestions: [] }, 'No match. Text "help" for your commands.'],
    [
      'question (CANCEL is an SMS opt-out keyword)',
      {
        kind: 'question',
        text: 'restart web',
        alias: 'ops.restart',
        parameter: 'env',
        question: 'Which env? staging, prod (reply "cancel" to stop)',
        command: 'restart web',
      },
      'Which env? staging, prod (reply "nevermind" to stop)',
    ],
    ['answered', { kind: 'answered', text: 'nevermind', alias: 'ops.restart', message: 'Cancelled: restart web.' }, 'Cancelled: restart web.'],
    [
      'ambiguous',
      {
        kind: 'ambiguous',
        text: 't',
        candidates: [
          { alias: 'a', format: 'x {{y}}' },
          { alias: 'b', format: 'x {{z}}' },
        ],
      },
      'Ambiguous, be more specific: x <y> | x <z>',
    ],
  ])('answers %s', (_l, outcome, expected) => {
    expect(outcomeReply(outcome)).toEqual(expected);
  });

  it('keeps "did you mean" within one segment', () => {
    const suggestions = Array.from({ length: 10 }, (_, i) => `deploy application number ${i} to {{environment}}`);
    const text = outcomeReply({ kind: 'none', text: 't', suggestions });
    expect(countSegments(text).segments).toBe(1);
    expect(text).toMatch(/^No match\. Did you mean: deploy application number 0 to <environment>/);
  });
});
