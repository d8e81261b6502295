import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionSigner, sessionKey } from '../../../src/web/session.ts';
import { dataDir, loadOrCreateSessionSecret, SessionSecretError } from '../../../src/web/session-secret.ts';

describe('createSessionSigner', () => {
  const signer = createSessionSigner(sessionKey('a-session-secret-of-32-characters!!'));

  it('issues a random id each time and verifies what it signed', () => {
    const a = signer.issue();
    const b = signer.issue();
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(a.token)).toBe(a.id);
  });

  it('refuses another id under the same signature, a changed signature and garbage', () => {
    const { id, token } = signer.issue();
    const sig = token.split('.')[1]!;
    const other = Buffer.alloc(32, 9).toString('base64url');
    expect(signer.verify(`${other}.${sig}`)).toBeUndefined();
    expect(signer.verify(`${id}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`)).toBeUndefined();
    // the same 32 bytes spelled otherwise: the last character's two unused bits set (a decoder ignores them)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const respelled = `${sig.slice(0, -1)}${alphabet[last + 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(signer.verify(`${id}.${respelled}`)).toBeUndefined();
    for (const bad of [undefined, '', 'x', `${id}.`, `.${sig}`, `${id}.${sig}.x`, 'a'.repeat(5000)]) expect(signer.verify(bad)).toBeUndefined();
  });

  it('keys on the session secret alone: another secret refuses the token', () => {
    const { token } = signer.issue();
    expect(createSessionSigner(sessionKey('a-session-secret-of-32-characters!!')).verify(token)).toBeDefined();
    expect(createSessionSigner(sessionKey('another-session-secret-of-32-chars!')).verify(token)).toBeUndefined();
  });
});

describe('loadOrCreateSessionSecret', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-secret-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('generates a random secret once, mode 0600, and reads the same one back', () => {
    const dir = join(root, 'data');
    const first = loadOrCreateSessionSecret(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, 'session-secret')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSessionSecret(dir)).toBe(first);
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(first);
    expect(loadOrCreateSessionSecret(join(root, 'other'))).not.toBe(first);
  });

  it('refuses a file holding a short secret, and says how to fix a folder it cannot write', () => {
    const dir = join(root, 'short');
    loadOrCreateSessionSecret(dir);
    writeFileSync(join(dir, 'session-secret'), 'too-short\n');
    expect(() => loadOrCreateSessionSecret(dir)).toThrow(/shorter than 32 characters: delete the file/);
    const blocked = join(root, 'a-file');
    writeFileSync(blocked, 'not a folder');
    expect(() => loadOrCreateSessionSecret(join(blocked, 'data'))).toThrow(SessionSecretError);
    expect(() => loadOrCreateSessionSecret(join(blocked, 'data'))).toThrow(/set server\.session_secret, or SWITCHBOARD_DATA/);
  });

  it('puts the data folder in SWITCHBOARD_DATA, else .switchboard in the config folder', () => {
    expect(dataDir('/etc/sb', { SWITCHBOARD_DATA: '/data' })).toBe('/data');
    expect(dataDir('/etc/sb', {})).toBe(join('/etc/sb', '.switchboard'));
  });
});
