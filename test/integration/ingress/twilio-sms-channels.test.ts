import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import {
  ACCOUNT_SID,
  ALICE,
  eventually,
  getExecution,
  inboundForm,
  listExecutions,
  postSms,
  queuedId,
  startSmsWorld,
  type SmsWorld,
} from './twilio-sms-helpers.ts';

const SECOND_NUMBER = '+15550002222';
const SECOND_TOKEN = 'second-number-auth-token';

let w: SmsWorld;
let second: TwilioFake;
beforeEach(async () => {
  second = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: SECOND_TOKEN });
  w = await startSmsWorld({
    files: {
      'channels/sms-second.yaml': `name: sms-second\nkind: sms\naccount_sid: ${ACCOUNT_SID}\nauth_token: ${SECOND_TOKEN}\nfrom: "+1 (555) 000-2222"\napi_url: \${TWILIO_URL_2}\n`,
    },
    env: { TWILIO_URL_2: second.url },
  });
});
afterEach(async () => {
  await w.stop();
  await second.close();
});

describe('POST /ingress/twilio/sms with two sms channels', () => {
  it('verifies a text with the token of the channel it was sent to and answers through that channel', async () => {
    const form = { ...inboundForm(ALICE, 'ping'), To: SECOND_NUMBER };
    expect((await postSms(w.t, form)).status).toBe(403);
    const answer = await postSms(w.t, form, 'valid', SECOND_TOKEN);
    const id = queuedId(answer.message)!;
    expect(id).toBeDefined();
    const exec = await getExecution(w.t, id);
    expect(exec.origin).toMatchObject({ reply: { to: ALICE, from: SECOND_NUMBER, channel: 'sms-second' } });
    const sent = await eventually(() => second.messages[0], 'the result SMS through the second channel');
    expect(sent).toMatchObject({ to: ALICE, from: '+1 (555) 000-2222', body: 'pong' });
    expect(w.twilio.messages).toEqual([]);
  });

  it('refuses a text to a number no channel owns', async () => {
    const form = { ...inboundForm(ALICE, 'ping'), To: '+15559999999' };
    expect((await postSms(w.t, form)).status).toBe(403);
    expect((await postSms(w.t, form, 'valid', SECOND_TOKEN)).status).toBe(403);
    expect(await listExecutions(w.t)).toEqual([]);
  });
});
