import { beforeAll, describe, expect, it } from 'vitest';
import { channelKinds } from '../../../src/config/schema.ts';
import { silentLogger } from '../../../src/log.ts';
import { createSink, loadProviderRuntimes, sinkDefinitions } from '../../../src/sinks/index.ts';
import { createMemorySinkState } from '../../../src/sinks/memory-state.ts';
import { channelSecrets, channelSettings } from '../../../src/sinks/settings.ts';
import type { ChannelConfig } from '../../../src/config/schema.ts';

const deps = { logger: silentLogger, state: createMemorySinkState(), configDir: '/tmp' };

// every provider's runtime (a process loads only its config's kinds: test/unit/providers/runtimes.test.ts)
beforeAll(() => loadProviderRuntimes());

describe('sinkDefinitions', () => {
  it('has exactly one definition per channel kind that sends (alertmanager and grafana only receive)', () => {
    const receiveOnly = ['alertmanager', 'grafana'];
    expect(sinkDefinitions.map((d) => d.kind).sort()).toEqual([...channelKinds].filter((k) => !receiveOnly.includes(k)).sort());
  });
  it('validates with the schema member of its own kind', () => {
    for (const d of sinkDefinitions) expect(d.settings).toBe(channelSettings(d.kind));
  });
});

describe('createSink', () => {
  it('builds a sink for a configured channel', () => {
    const sink = createSink({ name: 'log', kind: 'log' } as ChannelConfig, deps);
    expect(typeof sink.send).toBe('function');
  });
  it('rejects an unknown kind and lists the known ones', () => {
    expect(() => createSink({ name: 'x', kind: 'pager' } as unknown as ChannelConfig, deps)).toThrow(
      'Unknown channel kind "pager" for channel "x"; known kinds: log, file, slack, email, sms, github, gitlab, jira, webhook',
    );
  });
});

describe('channelSettings', () => {
  it('picks the member schema of one kind', () => {
    expect(channelSettings('slack').safeParse({ name: 's', kind: 'slack', token: 'xoxb-1' }).success).toBe(true);
    expect(channelSettings('slack').safeParse({ name: 's', kind: 'slack' }).success).toBe(false);
    expect(channelSettings('sms').parse({ name: 's', kind: 'sms', account_sid: 'AC1', auth_token: 'tttt', from: '+1555' }).segment_budget).toBe(3);
  });
  it('finds the secret values of a channel', () => {
    const email = channelSettings('email').parse({ name: 'e', kind: 'email', from: 'a@b.c', smtp: { host: 'h', auth: { user: 'u', pass: 'p4ssword' } } });
    expect(channelSecrets(email)).toEqual(['p4ssword']);
  });
});
