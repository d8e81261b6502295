import { describe, expect, it } from 'vitest';
import { identifySender, maskAddress, normalizeEmail, normalizePhone } from '../../../src/auth/identity.ts';
import type { Config } from '../../../src/config/types.ts';

const config = {
  main: {
    users: {
      alice: { roles: ['ops'], phone: '+1 (555) 123-0001', email: 'Alice@Example.com', slack: 'U0ALICE' },
      bob: { roles: ['viewer'], phone: '+15551230002' },
      carol: { roles: [], email: '"Carol C." <carol@example.org>' },
      empty: { roles: [], phone: '', email: '' },
    },
  },
} as unknown as Pick<Config, 'main'>;

describe('normalizePhone', () => {
  it.each([
    ['+15551230001', '+15551230001'],
    ['+1 (555) 123-0001', '+15551230001'],
    ['+1.555.123.0001', '+15551230001'],
    [' +1 555 123 0001 ', '+15551230001'],
    ['0044 20 7946 0000', '+442079460000'],
    ['15551230001', '+15551230001'],
    ['', ''],
    ['()-', ''],
  ])('turns %j into %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['Alice@Example.COM', 'alice@example.com'],
    ['"Alice" <Alice@Example.com>', 'alice@example.com'],
    ['Alice Smith <alice@example.com>', 'alice@example.com'],
    ['"a <b@evil.com>" <alice@example.com>', 'alice@example.com'],
    ['<alice@example.com>', 'alice@example.com'],
    ['mailto:Alice@example.com', 'alice@example.com'],
    ['  alice@example.com  ', 'alice@example.com'],
  ])('turns %j into %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('identifySender', () => {
  it.each([
    ['sms', '+15551230001', 'alice'],
    ['sms', '+1 555-123-0001', 'alice'],
    ['sms', '(+1) 555 123 0002', 'bob'],
    ['sms', '+15551230009', undefined],
    ['sms', '', undefined],
    ['email', 'alice@example.com', 'alice'],
    ['email', '"Alice A." <ALICE@example.com>', 'alice'],
    ['email', 'carol@example.org', 'carol'],
    ['email', 'Carol <Carol@Example.org>', 'carol'],
    ['email', 'mallory@example.com', undefined],
    ['email', '', undefined],
    ['slack', 'U0ALICE', 'alice'],
    ['slack', 'u0alice', undefined],
    ['slack', '', undefined],
  ] as const)('maps %s sender %j to %j', (medium, sender, expected) => {
    expect(identifySender(config, medium, sender)).toBe(expected);
  });

  it('never matches a user whose address is empty', () => {
    expect(identifySender(config, 'sms', '+')).toBeUndefined();
    expect(identifySender(config, 'email', '<>')).toBeUndefined();
  });
});

describe('maskAddress', () => {
  it('keeps only the ends of a phone number and the domain of an email', () => {
    expect(maskAddress('+15551230001')).toBe('+1555***01');
    expect(maskAddress('alice@example.com')).toBe('a***@example.com');
    expect(maskAddress('+1')).toBe('***');
  });
});
