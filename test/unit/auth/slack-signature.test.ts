import { describe, expect, it } from 'vitest';
import { SignatureError } from '../../../src/auth/signature-error.ts';
import { isValidSlackRequest, signSlackRequest, verifySlackRequest } from '../../../src/providers/slack/signature.ts';

// Slack's own worked example (api.slack.com "Verifying requests from Slack")
const docsSecret = '8f742231b10e8888abcd99yyyzzz85a5';
const docsTimestamp = '1531420618';
const docsBody =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const docsSignature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const secret = 'test-signing-secret';
const body = '{"type":"event_callback","event_id":"Ev1"}';
const nowMs = 1_700_000_000_000;
const ts = (offsetSeconds: number) => String(nowMs / 1000 + offsetSeconds);

describe('signSlackRequest', () => {
  it('reproduces the signature of Slack documentation example', () => {
    expect(signSlackRequest(docsSecret, docsTimestamp, docsBody)).toBe(docsSignature);
  });
});

describe('verifySlackRequest', () => {
  it('accepts Slack documentation example at its own time', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: docsSecret,
        body: docsBody,
        timestamp: docsTimestamp,
        signature: docsSignature,
        nowMs: Number(docsTimestamp) * 1000,
      }),
    ).not.toThrow();
  });

  it.each([
    { name: 'a fresh request', offset: 0 },
    { name: 'a request 300 s old', offset: -300 },
    { name: 'a request 300 s ahead (clock skew)', offset: 300 },
  ])('accepts $name', ({ offset }) => {
    const timestamp = ts(offset);
    expect(isValidSlackRequest({ signingSecret: secret, body, timestamp, signature: signSlackRequest(secret, timestamp, body), nowMs })).toBe(true);
  });

  it.each<{ name: string; timestamp: string | undefined; signature: (t: string) => string | undefined; body?: string; code: string }>([
    { name: 'a missing timestamp', timestamp: undefined, signature: () => 'v0=00', code: 'signature_missing' },
    { name: 'a missing signature', timestamp: ts(0), signature: () => undefined, code: 'signature_missing' },
    { name: 'an empty signature', timestamp: ts(0), signature: () => '', code: 'signature_missing' },
    { name: 'a timestamp that is not a number', timestamp: 'yesterday', signature: (t) => signSlackRequest(secret, t, body), code: 'signature_missing' },
    { name: 'a request 301 s old', timestamp: ts(-301), signature: (t) => signSlackRequest(secret, t, body), code: 'signature_stale' },
    { name: 'a request 301 s ahead', timestamp: ts(301), signature: (t) => signSlackRequest(secret, t, body), code: 'signature_stale' },
    { name: 'a signature by another secret', timestamp: ts(0), signature: (t) => signSlackRequest('other-secret', t, body), code: 'signature_mismatch' },
    { name: 'a signature of another body', timestamp: ts(0), signature: (t) => signSlackRequest(secret, t, `${body} `), code: 'signature_mismatch' },
    { name: 'a signature of another timestamp', timestamp: ts(0), signature: () => signSlackRequest(secret, ts(-1), body), code: 'signature_mismatch' },
    { name: 'a truncated signature', timestamp: ts(0), signature: (t) => signSlackRequest(secret, t, body).slice(0, -2), code: 'signature_mismatch' },
    { name: 'a signature without its v0= version', timestamp: ts(0), signature: (t) => signSlackRequest(secret, t, body).slice(3), code: 'signature_mismatch' },
    { name: 'a v1 signature', timestamp: ts(0), signature: (t) => signSlackRequest(secret, t, body).replace('v0=', 'v1='), code: 'signature_mismatch' },
  ])('refuses $name with $code', ({ timestamp, signature, code }) => {
    const attempt = () =>
      verifySlackRequest({ signingSecret: secret, body, timestamp, signature: timestamp === undefined ? signature('') : signature(timestamp), nowMs });
    expect(attempt).toThrow(SignatureError);
    try {
      attempt();
    } catch (err) {
      expect((err as SignatureError).code).toBe(code);
      expect((err as SignatureError).message).not.toContain(secret);
    }
  });

  it('checks staleness before the signature (a stale replay of a valid request is stale)', () => {
    const timestamp = ts(-3600);
    const signature = signSlackRequest(secret, timestamp, body);
    expect(() => verifySlackRequest({ signingSecret: secret, body, timestamp, signature, nowMs })).toThrow(/away from now/);
  });
});
