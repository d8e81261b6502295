import { describe, expect, it } from 'vitest';
import { mainSchema } from '../../../src/config/schema.ts';
import { checkExposure, isLoopbackHost, UnsafeExposureError } from '../../../src/runtime/exposure.ts';

const GOOD_KEY = 'k'.repeat(32);
const HASH = 'scrypt$N=1024,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==';

const main = (host: string, extra: Record<string, unknown> = {}) =>
  mainSchema.parse({
    server: { host },
    users: { alice: { roles: ['ops'], password_hash: HASH }, bob: { roles: [] } },
    api_keys: [{ name: 'ci', key: GOOD_KEY, user: 'alice' }],
    ...extra,
  });

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  it.each(['0.0.0.0', '::', '', '10.0.0.1', '192.168.1.5', 'example.com', '128.0.0.1'])('%s is not', (h) => expect(isLoopbackHost(h)).toBe(false));
});

describe('checkExposure', () => {
  it('accepts long random keys and password hashes on any address', () => {
    expect(checkExposure(main('0.0.0.0'))).toEqual({ refusals: [], warnings: [] });
  });

  it('refuses the example development key off loopback, naming the key and the fix', () => {
    const { refusals } = checkExposure(main('0.0.0.0', { api_keys: [{ name: 'local', key: 'sb-local-dev-key', user: 'alice' }] }));
    expect(refusals).toEqual([expect.stringMatching(/^api key "local" is the example's published development key: set SB_API_KEY/)]);
  });

  it('refuses a key shorter than 32 characters off loopback', () => {
    const { refusals } = checkExposure(main('10.0.0.1', { api_keys: [{ name: 'ci', key: 'k'.repeat(31), user: 'alice' }] }));
    expect(refusals).toEqual([expect.stringMatching(/^api key "ci" is shorter than 32 characters: replace it/)]);
  });

  it('refuses a clear-text password off loopback, and only warns on loopback', () => {
    const clear = { users: { alice: { roles: [], password: 'pw' }, bob: { roles: [] } } };
    const off = checkExposure(main('::', clear));
    expect(off.refusals).toEqual([expect.stringMatching(/^user "alice" has a clear-text password: replace `password:` with `password_hash:`/)]);
    const on = checkExposure(main('127.0.0.1', { ...clear, api_keys: [{ name: 'local', key: 'sb-local-dev-key', user: 'alice' }] }));
    expect(on.refusals).toEqual([]);
    expect(on.warnings).toEqual([expect.stringMatching(/^user "alice" has a clear-text password/)]);
  });

  it('lists every problem, and never the secret itself', () => {
    const m = main('0.0.0.0', {
      users: { alice: { roles: [], password: 'hunter2-secret' } },
      api_keys: [
        { name: 'local', key: 'sb-local-dev-key', user: 'alice' },
        { name: 'short', key: 'short-secret-key', user: 'alice' },
      ],
    });
    const { refusals } = checkExposure(m);
    expect(refusals).toHaveLength(3);
    const err = new UnsafeExposureError('0.0.0.0', refusals);
    expect(err.message).toMatch(/^refusing to listen on 0\.0\.0\.0 \(not loopback\)/);
    for (const secret of ['hunter2-secret', 'short-secret-key']) expect(err.message).not.toContain(secret);
  });
});
