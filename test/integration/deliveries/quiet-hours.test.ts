/**
 * Quiet hours end to end (docs/contracts.md section 7 "People, not only channels"): a rule pages
 * `{channel: sms, role: oncall}`; alice is in her quiet hours, bob is not. Real Redis, the real
 * delivery worker and the official Twilio client against the Twilio fake. The service's clock is set
 * 5 seconds before alice's hours end, so the digest's delayed job fires a few seconds later.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { createDeliveryService } from '../../../src/deliveries/service.ts';
import type { DeliveryService } from '../../../src/deliveries/types.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../../../src/deliveries/worker.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import type { DeliveryRecord, ExecutionRecord, ExecutionService } from '../../../src/executions/types.ts';
import { createLogger } from '../../../src/log.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { writeConfig } from '../../unit/config/temp-config.ts';
import { cleanupPrefix, uniquePrefix, waitFor } from '../executions/helpers.ts';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'quiet-hours-twilio-token-0123456789';
const ALICE = '+15551230001';
const BOB = '+15551230002';

async function writeQuietConfig(prefix: string, twilioUrl: string): Promise<string> {
  return writeConfig({
    'switchboard.yaml': `redis: { url: "redis://127.0.0.1:6379", prefix: "${prefix}", start_local: false }
users:
  alice:
    roles: [oncall]
    phone: "${ALICE}"
    quiet: { hours: "22:00-07:00", tz: Europe/Berlin, except: { data.severity: critical } }
  bob: { roles: [oncall], phone: "${BOB}" }
executions: { stalled_interval: 1, shutdown_grace: 5 }
`,
    'channels/sms.yaml': `name: sms\nkind: sms\naccount_sid: ${SID}\nauth_token: ${TOKEN}\nfrom: "+15550001111"\napi_url: ${twilioUrl}\n`,
    'actions/check.yaml': `name: check
runner: builtin
builtin: noop
parameters:
  what: { type: string, default: db }
  severity: { type: string, default: warning }
notify:
  on_failure: { message: "{{ what }} check failed\\nsecond line never shown", channels: [page], data: { severity: "{{ severity }}" } }
`,
    'rules/page.yaml': 'rules:\n  - name: page oncall\n    channel: page\n    to: [{ channel: sms, role: oncall }]\n',
  });
}

describe('quiet hours: held, then one digest', () => {
  let prefix: string;
  let twilio: TwilioFake;
  let config: Config;
  let executions: ExecutionService;
  let deliveries: DeliveryService;
  const workers: DeliveryWorker[] = [];
  // 06:59:55 in Berlin (05:59:55 UTC) when the service starts: alice's hours end 5 seconds later; the clock runs with real time
  let start = 0;
  const clock = () => new Date(Date.parse('2026-12-07T05:59:55Z') + (Date.now() - start));

  beforeEach(async () => {
    prefix = uniquePrefix();
    twilio = await startTwilioFake({ accountSid: SID, authToken: TOKEN });
    config = await loadConfigOrThrow(await writeQuietConfig(prefix, twilio.url), { env: {} });
    const logger = createLogger({ level: 'silent' });
    executions = createExecutionService({ config, logger });
    deliveries = createDeliveryService({ config, logger, now: clock });
    start = Date.now();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    await deliveries.close();
    await executions.close();
    await twilio.close();
    await cleanupPrefix(prefix);
  });

  /** An execution of `check` that failed: its on_failure notification pages oncall. */
  async function fail(params: Record<string, string>): Promise<ExecutionRecord> {
    const { execution } = await executions.submit({ action: 'check', params });
    const failed: ExecutionRecord = { ...execution, status: 'failed', error: 'boom', finished_at: new Date().toISOString() };
    await deliveries.notifyExecution(failed);
    return failed;
  }
  const ledger = async (id: string, target: string): Promise<DeliveryRecord | undefined> =>
    (await executions.get(id))?.deliveries.find((d) => d.target === target);
  const to = (phone: string) => twilio.messages.filter((m) => m.to === phone);

  it('holds alice’s pages, sends bob’s and the except match at once, then one digest when her hours end', async () => {
    const logger = createLogger({ level: 'silent' });
    workers.push(await startDeliveryWorker({ config, logger }));
    const db = await fail({ what: 'db' });
    const cache = await fail({ what: 'cache' });
    const disk = await fail({ what: 'disk', severity: 'critical' });
    // a repeated notification (the execution hook re-run) holds nothing new
    await deliveries.notifyExecution(db);

    // bob: all three at once; alice: only the critical one (her `except`)
    await waitFor(() => to(BOB).length === 3 && to(ALICE).length === 1, 'the immediate texts');
    expect(to(ALICE)[0]!.body).toContain('disk check failed');
    const held = await ledger(db.id, ALICE);
    expect(held).toMatchObject({ status: 'held', user: 'alice', held_until: '2026-12-07T06:00:00.000Z', attempts: 0 });
    expect(await ledger(db.id, BOB)).toMatchObject({ status: 'sent', user: 'bob' });
    expect(await ledger(disk.id, ALICE)).toMatchObject({ status: 'sent', user: 'alice' });

    // a restart while she sleeps: the hold list and the delayed digest job live in Redis
    await workers.shift()!.close();
    workers.push(await startDeliveryWorker({ config, logger }));

    await waitFor(() => to(ALICE).length === 2, 'the digest', 20_000);
    const digest = to(ALICE)[1]!.body;
    expect(digest).toContain('While you were away: 2 notifications');
    expect(digest).toContain('- check failed: db check failed');
    expect(digest).toContain('- check failed: cache check failed');
    expect(digest).not.toContain('second line');

    // each held delivery is listed `sent` with its digest's id
    const [a, b] = await waitFor(async () => {
      const both = [await ledger(db.id, ALICE), await ledger(cache.id, ALICE)];
      return both.every((d) => d?.status === 'sent') && both;
    }, 'the held deliveries marked sent');
    expect(a!.digest).toMatch(/^d-[0-9a-f]{32}$/);
    expect(b!.digest).toBe(a!.digest);
    expect(a).toMatchObject({ held_until: '2026-12-07T06:00:00.000Z', user: 'alice' });

    // once: a notification after the hours goes straight out, and no second digest follows it
    await fail({ what: 'web' });
    await waitFor(() => to(ALICE).length === 3 && to(BOB).length === 4, 'the daytime texts');
    expect(to(ALICE)[2]!.body).toContain('web check failed');
    expect(to(ALICE).filter((m) => m.body.includes('While you were away'))).toHaveLength(1);
  }, 40_000);
});
