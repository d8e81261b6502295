import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSend } from '../../../src/cli/send.ts';
import { FIXTURE, startWorld, type World } from './harness.ts';

describe('runSend', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(() => w.close());

  const run = async (channel: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSend({ config: FIXTURE, channel, message: 'test from the CLI', env: w.env, timeoutMs: 3000 }, { out: (s) => out.push(s), err: (s) => err.push(s) });
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
});
