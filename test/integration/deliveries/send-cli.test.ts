import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSend } from '../../../src/cli/send.ts';
import { FIXTURE, startWorld, type World } from './harness.ts';

describe('runSend', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(() => w.close());

  const run = async (channel: string, target?: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSend(
      { config: FIXTURE, channel, ...(target !== undefined ? { target } : {}), message: 'test from the CLI', env: w.env, timeoutMs: 3000 },
      { out: (s) => out.push(s), err: (s) => err.push(s) },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('sends through the rules straight to the sinks and exits 0 when all are sent', async () => {
    const r = await run('slack');
    expect(r.code).toBe(0);
    expect(r.out).toContain('sent     slack-ops #incidents');
    expect(w.slack.messages.map((m) => m.channel)).toEqual(['#incidents']);
  });

  it('prints the failure and exits 1 when a delivery fails', async () => {
    w.hook.plan.push({ status: 400, body: 'no' });
    const r = await run('hooks');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/failed {3}hooks .*client_error/);
  });

  it('exits 1 when no rule handles the name', async () => {
    const r = await run('nobody');
    expect(r.code).toBe(1);
    expect(r.err).toContain('nothing to send');
  });

  it('sends straight to a channel named by its own name, to its default_target', async () => {
    const r = await run('slack-ops');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sent {5}slack-ops #ops .*straight to the channel/);
    expect(w.slack.messages.map((m) => [m.channel, m.text])).toEqual([['#ops', 'test from the CLI']]);
  });

  it('sends straight to a channel with --target, even when the name is also a notify name', async () => {
    const r = await run('slack-ops', '#incidents');
    expect(r.code).toBe(0);
    expect(w.slack.messages.map((m) => m.channel)).toEqual(['#incidents']);
    // "hooks" is a notify name and a channel: without --target the rules decide, and say so
    const both = await run('hooks');
    expect(both.code).toBe(0);
    expect(both.out).toContain('rule "hooks"');
    expect(both.err).toContain('"hooks" is a notify name and a channel: sent through the rules');
  });

  it('lists the notify names and channels when the name is neither, with the closest one', async () => {
    const r = await run('slak-ops');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('"slak-ops" is neither a notify name nor a channel: nothing to send (did you mean "slack-ops"?)');
    expect(r.err).toContain("notify names (rules' channel): slack, bugtracker, hooks, mail, slow");
    expect(r.err).toContain('channels: ');
    for (const c of ['email-ops (email)', 'github-ops (github)', 'hooks (webhook)', 'slack-ops (slack)', 'slow-hooks (webhook)', 'twilio (sms)'])
      expect(r.err).toContain(c);
    expect(w.slack.messages).toEqual([]);
  });

  it('refuses --target with a name that is only a notify name', async () => {
    const r = await run('slack', '#x');
    expect(r.code).toBe(1);
    expect(r.err).toContain('"slack" is not a channel (--target sends straight to a channel): nothing to send (did you mean "slack-ops"?)');
    expect(w.slack.messages).toEqual([]);
  });
});
