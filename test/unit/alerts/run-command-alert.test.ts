/**
 * The command pipeline takes answers to alerts (`ACK 4821`, `SILENCE 4821 2h`) before matching,
 * as the person who sent them; an unknown sender is refused first; without `alerts` they are matched.
 */
import { describe, expect, it } from 'vitest';
import type { AlertActInput } from '../../../src/alerts/service.ts';
import type { MatchResult } from '../../../src/aliases/types.ts';
import { runCommand, type CommandInput, type CommandMatcher } from '../../../src/commands/run-command.ts';
import { silentLogger } from '../../../src/log.ts';
import { buildConfig } from '../api/fixture.ts';
import { createMemoryExecutions } from '../api/memory-executions.ts';

const config = buildConfig();
const none: MatchResult = { kind: 'none', suggestions: [] };
const matcher = (): CommandMatcher & { seen: string[] } => {
  const seen: string[] = [];
  return { seen, match: (text) => (seen.push(text), none) };
};
const input = (text: string, user: string | undefined = 'alice'): CommandInput => ({
  text,
  source: 'sms',
  user,
  origin: { source: 'sms', sender: '+15550000001' },
});

/** records what was asked; answers like the service would */
function recordingAlerts() {
  const calls: AlertActInput[] = [];
  return {
    calls,
    async act(a: AlertActInput) {
      calls.push(a);
      return { ok: true, message: `Acknowledged X (${'code' in a ? a.code : a.id}).` };
    },
  };
}

describe('runCommand with alerts', () => {
  it('answers ACK as the person, by code, without matching', async () => {
    const alerts = recordingAlerts();
    const m = matcher();
    const out = await runCommand({ config, matcher: m, executions: createMemoryExecutions(), logger: silentLogger, alerts }, input('ack #4821'));
    expect(out).toEqual({ kind: 'alert', text: 'ack #4821', result: { ok: true, message: 'Acknowledged X (4821).' } });
    expect(alerts.calls).toEqual([{ code: '4821', action: { kind: 'ack' }, user: 'alice', source: 'sms' }]);
    expect(m.seen).toEqual([]);
  });

  it('answers a bad SILENCE duration without asking the service', async () => {
    const alerts = recordingAlerts();
    const out = await runCommand(
      { config, matcher: matcher(), executions: createMemoryExecutions(), logger: silentLogger, alerts },
      input('SILENCE 4821 soon'),
    );
    expect(out).toMatchObject({ kind: 'alert', result: { ok: false, reason: 'invalid' } });
    expect(alerts.calls).toEqual([]);
  });

  it('refuses an unverified sender (a forged mail must not stop a page)', async () => {
    const alerts = recordingAlerts();
    const out = await runCommand(
      { config, matcher: matcher(), executions: createMemoryExecutions(), logger: silentLogger, alerts },
      { ...input('ACK 4821'), source: 'email', origin: { source: 'email', sender: 'alice@example.com', proof: 'unverified' } },
    );
    expect(out).toMatchObject({ kind: 'alert', result: { ok: false, reason: 'forbidden', message: expect.stringMatching(/could not be verified/) } });
    expect(alerts.calls).toEqual([]);
  });

  it('refuses an unknown sender before reading an alert answer', async () => {
    const alerts = recordingAlerts();
    const out = await runCommand(
      { config, matcher: matcher(), executions: createMemoryExecutions(), logger: silentLogger, alerts },
      input('ACK 4821', 'mallory'),
    );
    expect(out.kind).toBe('unknown_user');
    expect(alerts.calls).toEqual([]);
  });

  it('matches the text as a command when the gateway takes no alerts', async () => {
    const m = matcher();
    const out = await runCommand({ config, matcher: m, executions: createMemoryExecutions(), logger: silentLogger }, input('ACK 4821'));
    expect(out.kind).toBe('none');
    expect(m.seen[0]).toBe('ACK 4821');
  });
});
