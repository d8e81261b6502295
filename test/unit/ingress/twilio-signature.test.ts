import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { formParams, twilioSignature, verifyTwilioSignature } from '../../../src/providers/sms/signature.ts';

const TOKEN = '12345abcdef';
const URL = 'https://sb.example.com/ingress/twilio/sms';
const params = { MessageSid: 'SM' + 'a'.repeat(32), From: '+15551230001', To: '+15550001111', Body: 'restart web & "api" <now>' };

describe('twilioSignature', () => {
  it('matches twilio-node for arbitrary urls and fields', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 30 }), { maxKeys: 6 }),
        (url, p) => {
          expect(twilioSignature(TOKEN, url, p)).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, p));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treats a repeated field as twilio-node does (deduplicated, sorted)', () => {
    const p = { MediaUrl: ['b', 'a', 'b'], Body: 'x' };
    expect(twilioSignature(TOKEN, URL, p)).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL, p));
  });
});

describe('verifyTwilioSignature', () => {
  const good = twilio.getExpectedTwilioSignature(TOKEN, URL, params);

  it('accepts the signature twilio-node computes', () => {
    expect(verifyTwilioSignature(TOKEN, good, URL, params)).toBe(true);
  });

  it.each([
    ['a missing header', undefined, URL, params, TOKEN],
    ['an empty header', '', URL, params, TOKEN],
    ['a forged signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', URL, params, TOKEN],
    ['a signature of another URL', good, 'https://evil.example.com/ingress/twilio/sms', params, TOKEN],
    ['a changed body', good, URL, { ...params, Body: 'restart api' }, TOKEN],
    ['an added field', good, URL, { ...params, Extra: '1' }, TOKEN],
    ['another auth token', good, URL, params, 'other-token'],
    ['an empty auth token', good, URL, params, ''],
    ['a truncated signature', good.slice(0, 10), URL, params, TOKEN],
  ])('refuses %s', (_label, sig, url, p, token) => {
    expect(verifyTwilioSignature(token, sig, url, p)).toBe(false);
  });

  it('accepts the URL signed with or without the default port, as twilio-node does', () => {
    const withPort = twilio.getExpectedTwilioSignature(TOKEN, 'https://sb.example.com:443/ingress/twilio/sms', params);
    expect(verifyTwilioSignature(TOKEN, withPort, URL, params)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, good, 'https://sb.example.com:443/ingress/twilio/sms', params)).toBe(true);
    expect(twilio.validateRequest(TOKEN, withPort, URL, params)).toBe(true);
  });

  it('agrees with twilio.validateRequest on a query string', () => {
    const url = `${URL}?tenant=a&b=c`;
    const sig = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(verifyTwilioSignature(TOKEN, sig, url, params)).toBe(twilio.validateRequest(TOKEN, sig, url, params));
    expect(verifyTwilioSignature(TOKEN, sig, URL, params)).toBe(false);
  });
});

describe('formParams', () => {
  it('keeps single fields as strings and repeated ones as arrays', () => {
    expect(formParams(new URLSearchParams('From=%2B15551230001&Body=a+b&M=1&M=2'))).toEqual({ From: '+15551230001', Body: 'a b', M: ['1', '2'] });
  });
});
