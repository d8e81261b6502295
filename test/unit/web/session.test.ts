import { describe, expect, it } from 'vitest';
import { createSessionCodec, sessionKey } from '../../../src/web/session.ts';

describe('createSessionCodec', () => {
  const codec = createSessionCodec(sessionKey(['a-secret-value']));
  const session = { user: 'alice', via: 'password', exp: 2_000 };

  it('verifies what it signed until it expires', () => {
    const token = codec.sign(session);
    expect(codec.verify(token, 1_000)).toEqual(session);
    expect(codec.verify(token, 2_000)).toBeUndefined();
  });

  it('refuses a changed payload, a changed signature and garbage', () => {
    const [payload, sig] = codec.sign(session).split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...session, user: 'root' })).toString('base64url');
    expect(codec.verify(`${other}.${sig}`, 1_000)).toBeUndefined();
    expect(codec.verify(`${payload}.${sig.slice(0, -2)}AA`, 1_000)).toBeUndefined();
    for (const bad of [undefined, '', 'x', `${payload}.`, `.${sig}`, `${payload}.${sig}.x`, 'a'.repeat(5000)]) expect(codec.verify(bad, 1_000)).toBeUndefined();
  });

  it('derives the same key from the same secrets in any order, another from other secrets', () => {
    const a = createSessionCodec(sessionKey(['one', 'two']));
    const b = createSessionCodec(sessionKey(['two', 'one']));
    const c = createSessionCodec(sessionKey(['one', 'three']));
    const token = a.sign(session);
    expect(b.verify(token, 1_000)).toEqual(session);
    expect(c.verify(token, 1_000)).toBeUndefined();
  });
});
