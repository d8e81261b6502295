import { describe, expect, it } from 'vitest';
import { clientAddress, isIpOrCidr, normalizeAddress, proxyTrust } from '../../../src/auth/client-address.ts';

describe('isIpOrCidr', () => {
  it.each(['127.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128'])('accepts %s', (entry) => expect(isIpOrCidr(entry)).toBe(true));
  it.each(['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/2', '10.0.0/8', '10.0.0.0/x', ''])('refuses %s', (entry) =>
    expect(isIpOrCidr(entry)).toBe(false),
  );
});

describe('normalizeAddress', () => {
  it('unwraps IPv4-mapped IPv6 and brackets', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('[::1]')).toBe('::1');
    expect(normalizeAddress(' 203.0.113.9 ')).toBe('203.0.113.9');
  });
});

describe('clientAddress', () => {
  const trust = proxyTrust(['10.0.0.0/8', '::1', '192.0.2.7']);

  it('takes the peer as it is when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = proxyTrust([]);
    expect(clientAddress('203.0.113.9', '1.2.3.4', none)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '1.2.3.4', none)).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('198.51.100.1', '1.2.3.4', trust)).toBe('198.51.100.1');
  });

  it('takes the rightmost hop that is not a trusted proxy', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', trust)).toBe('203.0.113.9');
    // the client wrote 1.2.3.4 itself; the first proxy appended the address it saw
    expect(clientAddress('10.0.0.5', '1.2.3.4, 203.0.113.9, 10.9.9.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.0.0.5', '198.51.100.4, 192.0.2.7', trust)).toBe('198.51.100.4');
    expect(clientAddress('::1', '2001:db8::5', trust)).toBe('2001:db8::5');
  });

  it('falls back to the leftmost hop when every hop is a trusted proxy, and to the peer without the header', () => {
    expect(clientAddress('10.0.0.5', '10.1.1.1, 10.2.2.2', trust)).toBe('10.1.1.1');
    expect(clientAddress('10.0.0.5', undefined, trust)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', ' , ', trust)).toBe('10.0.0.5');
  });

  it('stops at a hop that is not an address, keeping it as written', () => {
    expect(clientAddress('10.0.0.5', '1.2.3.4, garbage', trust)).toBe('garbage');
  });
});
