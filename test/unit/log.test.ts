import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, dedupeComponent, maskContacts, scrubLine } from '../../src/log.ts';

describe('maskContacts', () => {
  it.each([
    ['from +15551230001', 'from +1555***0001'],
    ['to alice@example.com', 'to a***@example.com'],
    ['"sender":"+447700900123"', '"sender":"+4477***0123"'],
    ['short +33123456', 'short +33***56'],
    ['<msg-1.2@mail.example.org>', '<m***@mail.example.org>'],
    ['already +1555***0001 and a***@example.com', 'already +1555***0001 and a***@example.com'],
    ['no contact: 2026-11-25T17:20:00.000Z, +5 retries, a@b', 'no contact: 2026-11-25T17:20:00.000Z, +5 retries, a@b'],
  ])('masks %s', (input, output) => {
    expect(maskContacts(input)).toBe(output);
  });
});

describe('dedupeComponent', () => {
  it('keeps the innermost component only', () => {
    expect(dedupeComponent('{"level":"info","component":"http","component":"api","msg":"x"}')).toBe('{"level":"info","component":"api","msg":"x"}');
  });

  it('leaves a line with one component alone', () => {
    const line = '{"component":"worker","msg":"says \\"component\\": twice"}';
    expect(dedupeComponent(line)).toBe(line);
  });
});

describe('scrubLine', () => {
  it('redacts secrets before masking', () => {
    expect(scrubLine('{"token":"xoxb-secret-1","to":"bob@example.com"}', ['xoxb-secret-1'])).toBe('{"token":"[redacted]","to":"b***@example.com"}');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the component once, secrets redacted, contacts masked', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    let secrets = ['first-secret'];
    const log = createLogger({ level: 'info', secrets: () => secrets, destination });
    log.child({ component: 'http' }).child({ component: 'api' }).info({ from: '+15551230001', key: 'first-secret' }, 'hello');
    secrets = ['second-secret'];
    log.info({ key: 'second-secret' }, 'after a reload');
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.split('"component"').length).toBe(2);
    expect(a).toMatchObject({ component: 'api', from: '+1555***0001', key: '[redacted]', msg: 'hello' });
    expect(b).toMatchObject({ key: '[redacted]' });
  });
});
