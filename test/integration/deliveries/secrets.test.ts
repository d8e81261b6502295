import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../executions/helpers.ts';
import { ALL_SECRETS, SECRETS, startWorld, waitFor, type World } from './harness.ts';
import { twilioError } from '../../../src/providers/sms/fake.ts';

/** Every string value stored under the test's prefix: job data, failed reasons, stack traces, records. */
async function redisDump(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') parts.push((await redis.get(key)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, '0', '-1')));
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

describe('secrets in deliveries', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
    await w.startExecutionWorker();
    await w.startDeliveryWorker();
  });
  afterEach(() => w.close());

  it('never puts a token, auth token or SMTP password in logs, errors, API responses or stored jobs', async () => {
    w.slack.failNext(2, { status: 503, body: `upstream failed for Bearer ${SECRETS.SLACK_TOKEN}` });
    w.github.failNext(1, { status: 401, body: { message: `Bad credentials: ${SECRETS.GITHUB_TOKEN}` } });
    w.twilio.failNext(1, twilioError(21211, 400, `The 'To' number is not valid (auth ${SECRETS.TWILIO_TOKEN})`));
    w.hook.plan.push({ status: 500, body: `signing with ${SECRETS.HOOK_SECRET}` }, { status: 400, body: `bad signature ${SECRETS.HOOK_SECRET}` });
    w.smtp.rejectNext(1, 550, `5.1.1 No such user (pass ${SECRETS.SMTP_PASS})`);

    const out = await w.command('run 3');
    if (out.kind !== 'queued') throw new Error('not queued');
    const headers = { authorization: `Bearer ${SECRETS.SB_CI_KEY}`, 'content-type': 'application/json' };
    const notify = await w.app.request('/api/v1/notify', {
      method: 'POST',
      headers,
      body: JSON.stringify({ channels: ['hooks', 'mail'], message: 'secret test' }),
    });
    expect(notify.status).toBe(202);
    const notifyBody = await notify.text();

    const rec = await w.waitForExecution(
      out.execution.id,
      (r) => r.deliveries.length === 3 && r.deliveries.every((d) => d.status !== 'pending'),
      'final deliveries',
    );
    expect(
      rec.deliveries
        .filter((d) => d.status === 'failed')
        .map((d) => d.channel)
        .sort(),
    ).toEqual(['github-ops', 'twilio']);
    // hooks: 500 then 400 (failed for good); mail: 550 then its fallback to hooks
    await waitFor(() => w.hook.requests.length === 3 && w.smtp.attempts >= 1, 'webhook and mail attempts');
    await waitFor(() => w.hook.delivered() === 1, 'the mail fallback');
    const view = await w.getExecution(out.execution.id);
    const views = JSON.stringify(view.body);
    expect(views).toContain('Bad credentials');

    const texts = { logs: w.logs.join(''), api: `${notifyBody}\n${views}`, redis: await redisDump(w.prefix), ledger: JSON.stringify(rec.deliveries) };
    for (const [where, text] of Object.entries(texts)) {
      for (const secret of ALL_SECRETS) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
    }
    expect(texts.logs).toContain('delivery failed for good');
  });
});
