import { describe, expect, it } from 'vitest';
import { createLoginThrottle, loginAccount } from '../../../src/web/login-throttle.ts';

describe('createLoginThrottle', () => {
  it('refuses an (account, address) after max failures within the window, and forgets them after it', () => {
    const t = createLoginThrottle({ max: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(t.allowed('user:alice', '203.0.113.9', 1_000)).toBe(true);
      t.failed('user:alice', '203.0.113.9', 1_000 + i);
    }
    expect(t.allowed('user:alice', '203.0.113.9', 2_000)).toBe(false);
    expect(t.allowed('user:alice', '203.0.113.9', 61_000)).toBe(true);
  });

  it('keys per account and per address: one address cannot lock out other accounts, nor another address the same account', () => {
    const t = createLoginThrottle({ max: 2 });
    t.failed('user:mallory', '10.0.0.1', 0);
    t.failed('user:mallory', '10.0.0.1', 0);
    expect(t.allowed('user:mallory', '10.0.0.1', 1)).toBe(false);
    expect(t.allowed('user:alice', '10.0.0.1', 1)).toBe(true);
    expect(t.allowed('api-key', '10.0.0.1', 1)).toBe(true);
    t.failed('user:alice', '198.51.100.1', 0);
    t.failed('user:alice', '198.51.100.1', 0);
    expect(t.allowed('user:alice', '198.51.100.1', 1)).toBe(false);
    expect(t.allowed('user:alice', '10.0.0.1', 1)).toBe(true);
  });

  it('clears an (account, address) on success', () => {
    const t = createLoginThrottle({ max: 1 });
    t.failed('user:alice', 'a', 0);
    expect(t.allowed('user:alice', 'a', 1)).toBe(false);
    t.succeeded('user:alice', 'a');
    expect(t.allowed('user:alice', 'a', 1)).toBe(true);
  });

  it('evicts the oldest entries when full instead of clearing everything', () => {
    const t = createLoginThrottle({ max: 1, capacity: 3, windowMs: 60_000 });
    for (const [i, client] of ['a', 'b', 'c'].entries()) t.failed('user:x', client, i);
    expect(t.size).toBe(3);
    t.failed('user:x', 'd', 10);
    expect(t.size).toBe(3);
    // 'a' (the oldest) is gone; the newer ones are still counted
    expect(t.allowed('user:x', 'a', 11)).toBe(true);
    for (const client of ['b', 'c', 'd']) expect(t.allowed('user:x', client, 11)).toBe(false);
  });

  it('drops expired entries first when making room', () => {
    const t = createLoginThrottle({ max: 1, capacity: 3, windowMs: 100 });
    t.failed('user:x', 'old', 0);
    t.failed('user:x', 'b', 150);
    t.failed('user:x', 'c', 160);
    t.failed('user:x', 'd', 170);
    expect(t.size).toBe(3);
    for (const client of ['b', 'c', 'd']) expect(t.allowed('user:x', client, 171)).toBe(false);
  });
});

describe('loginAccount', () => {
  it('names the user tried (case-insensitively), or one bucket for API-key logins', () => {
    expect(loginAccount({ user: ' Alice ' })).toBe('user:alice');
    expect(loginAccount({ user: 'alice', api_key: 'k' })).toBe('api-key');
    expect(loginAccount({})).toBe('user:');
  });
});
