import { describe, expect, it } from 'vitest';
import { fingerprintHasStatus, fingerprintOf } from '../../../src/sinks/fingerprint.ts';
import type { OutboundMessage } from '../../../src/sinks/sink.ts';

const m = (over: Partial<NonNullable<OutboundMessage['execution']>> = {}, data: Record<string, unknown> = {}): OutboundMessage => ({
  id: 'd',
  channel: 'gh',
  subject: 's',
  text: 't',
  data,
  execution: { id: 'e1', status: 'failed', action: 'ops.restart', alias: 'ops.restart_alias', ...over },
});

describe('fingerprintOf', () => {
  it('is the same for the same action, alias and status whatever the execution', () => {
    expect(fingerprintOf(m({ id: 'e1' }))).toBe(fingerprintOf(m({ id: 'e2', user: 'bob' })));
    expect(fingerprintOf(m())).toMatch(/^[0-9a-f]{16}$/);
  });
  it('differs by action, alias or status', () => {
    const fp = fingerprintOf(m());
    expect(fingerprintOf(m({ action: 'ops.other' }))).not.toBe(fp);
    expect(fingerprintOf(m({ alias: 'x' }))).not.toBe(fp);
    expect(fingerprintOf(m({ status: 'timeout' }))).not.toBe(fp);
  });
  it('follows a custom field list, including data keys', () => {
    const spec = 'action+data.service';
    expect(fingerprintOf(m({ status: 'failed' }, { service: 'web' }), spec)).toBe(fingerprintOf(m({ status: 'timeout' }, { service: 'web' }), spec));
    expect(fingerprintOf(m({}, { service: 'web' }), spec)).not.toBe(fingerprintOf(m({}, { service: 'api' }), spec));
    expect(fingerprintHasStatus(spec)).toBe(false);
    expect(fingerprintHasStatus()).toBe(true);
  });
  it('computes the fingerprint a given status would have', () => {
    expect(fingerprintOf(m({ status: 'succeeded' }), undefined, 'failed')).toBe(fingerprintOf(m()));
  });
  it('rejects an unknown field', () => {
    expect(() => fingerprintOf(m(), 'action+colour')).toThrow(/unknown fingerprint field "colour"/);
  });
});
