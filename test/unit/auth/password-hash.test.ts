import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../../src/auth/password-hash.ts';

const fast = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('writes scrypt with its parameters, a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPassword('correct horse');
    const m = /^scrypt\$N=16384,r=8,p=1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(m![2]!, 'base64')).toHaveLength(32);
    expect(await hashPassword('correct horse')).not.toBe(stored); // a new salt each time
  });

  it('verifies the right password only, with the parameters the string names', async () => {
    const stored = await hashPassword('s3cret pässword', fast);
    expect(stored.startsWith('scrypt$N=1024,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('s3cret pässword', stored)).toBe(true);
    // the same text in another Unicode normal form is the same password
    expect(await verifyPassword('s3cret pa\u0308ssword', stored)).toBe(true);
    for (const wrong of ['s3cret password', 's3cret pässword ', '', 'S3cret pässword']) expect(await verifyPassword(wrong, stored)).toBe(false);
  });

  it('answers false, after the same work, when there is no hash or an unreadable one', async () => {
    expect(await verifyPassword('anything', undefined)).toBe(false);
    expect(await verifyPassword('', undefined)).toBe(false);
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });

  it.each([
    ['plain text', 'hunter2', /is not a password hash: make one with `switchboard hash-password`/],
    ['another scheme', 'bcrypt$2b$10$abc', /is not a password hash/],
    ['a missing parameter', 'scrypt$N=1024,r=8$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /misses a scrypt parameter/],
    ['a repeated parameter', 'scrypt$N=1024,N=2048,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /unreadable scrypt parameters/],
    ['N not a power of two', 'scrypt$N=1000,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /N=1000: it must be a power of two/],
    ['N too large', 'scrypt$N=4194304,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /power of two from 2 to 1048576/],
    ['r out of range', 'scrypt$N=1024,r=64,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /r must be 1 to 32/],
    ['a salt that is not base64', 'scrypt$N=1024,r=8,p=1$not base64!$aGFzaGhhc2hoYXNoaGFzaA==', /not base64/],
    ['a short salt', 'scrypt$N=1024,r=8,p=1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', /salt shorter than 8 bytes/],
    ['a short hash', 'scrypt$N=1024,r=8,p=1$c2FsdHNhbHQ=$aGFzaA==', /hash of the wrong length/],
  ])('explains why %s is not a hash', (_what, text, message) => {
    const parsed = parsePasswordHash(text);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(message);
  });

  it('reads back what it wrote', async () => {
    const parsed = parsePasswordHash(await hashPassword('x', fast));
    expect(parsed).toMatchObject({ N: 1024, r: 8, p: 1 });
  });
});
