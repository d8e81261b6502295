import { describe, expect, it } from 'vitest';
import type { ChannelConfig } from '../../../src/config/types.ts';
import { channelSettings, MASK } from '../../../src/web/channel-view.ts';

const settings = (ch: unknown, secrets: string[] = []) => Object.fromEntries(channelSettings(ch as ChannelConfig, secrets).map((s) => [s.key, s.value]));

describe('channelSettings', () => {
  it('masks the fields the schema marks secret, nested ones included', () => {
    expect(settings({ name: 's', kind: 'slack', token: 'xoxb-1', signing_secret: 'sign-1', default_target: '#ops' })).toEqual({
      token: MASK,
      signing_secret: MASK,
      default_target: '#ops',
    });
    const email = settings({
      name: 'e',
      kind: 'email',
      from: 'sb@example.com',
      smtp: { host: 'mx', port: 587, secure: false, auth: { user: 'u', pass: 'p4ss-word' } },
    });
    expect(email['smtp.auth.pass']).toBe(MASK);
    expect(email['smtp.auth.user']).toBe('u');
    expect(email['smtp.port']).toBe('587');
  });

  it('masks header values, URL passwords and query values, and any config secret inside a value', () => {
    const hook = settings({
      name: 'w',
      kind: 'webhook',
      url: 'https://u:pw@hooks.example.com/x?token=abc&b=2',
      headers: { 'X-Api-Key': 'k' },
      secret: 's3cret',
    });
    expect(hook['headers.X-Api-Key']).toBe(MASK);
    expect(hook.secret).toBe(MASK);
    expect(hook.url).not.toContain('pw');
    expect(hook.url).not.toContain('abc');
    expect(hook.url).toBe(`https://hooks.example.com/${MASK}`);
    // a webhook URL is often the credential itself (Slack incoming webhooks): only its origin shows
    const slack = settings({ name: 'w', kind: 'webhook', url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX', headers: {} });
    expect(slack.url).toBe(`https://hooks.slack.com/${MASK}`);
    expect(settings({ name: 'f', kind: 'file', path: '/data/leaked-value-9/out.jsonl' }, ['leaked-value-9']).path).toBe(MASK);
  });

  it('leaves the headline fields out', () => {
    expect(settings({ name: 'l', kind: 'log', description: 'stdout' })).toEqual({});
  });
});
