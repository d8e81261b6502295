import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeDeliveryId, routeNotification } from '../../../src/routing/index.ts';
import type { Notification } from '../../../src/notify/index.ts';
import type { ExecutionStatus } from '../../../src/executions/types.ts';
import { makeChannels, makeRules } from '../notify/helpers.ts';

const channels = makeChannels([
  { name: 'log', kind: 'log' },
  { name: 'outbox', kind: 'file', default_target: 'main' },
  { name: 'slack-ops', kind: 'slack', token: 'x', default_target: '#ops' },
  { name: 'twilio', kind: 'sms', account_sid: 'AC', auth_token: 't', from: '+1' },
]);
const names = ['ops', 'bugs', 'origin', 'chatops'];
const statuses: ExecutionStatus[] = ['succeeded', 'failed', 'timeout', 'canceled'];

const target = fc.option(fc.constantFrom('#ops', '#dev', 'main', '+15551230001', 'x:y'), { nil: undefined });
const entry = fc.record({ channel: fc.constantFrom(...channels.keys()), target }).map((e) => (e.target === undefined ? { channel: e.channel } : e));
const when = fc.option(
  fc.record({ status: fc.constantFrom<unknown>('failed', ['failed', 'timeout'], '*'), action: fc.constantFrom('ops.*', '*', 'db.*') }, { requiredKeys: [] }),
  { nil: undefined },
);
const rule = fc.record({
  name: fc.string({ minLength: 1, maxLength: 6 }),
  channel: fc.oneof(fc.constantFrom(...names), fc.subarray(names, { minLength: 1 })),
  when,
  to: fc.array(entry, { minLength: 1, maxLength: 4 }),
  fallback: fc.array(entry, { maxLength: 3 }),
  stop: fc.boolean(),
});
const notification = fc
  .record({
    exec: fc.constantFrom('EX1', 'EX2', '01J9Z:odd'),
    name: fc.constantFrom(...names),
    status: fc.constantFrom(...statuses),
    action: fc.constantFrom('ops.restart', 'db.backup'),
    source: fc.constantFrom('sms', 'slack', 'api', 'cli', 'email'),
  })
  .map(
    ({ exec, name, status, action, source }): Notification => ({
      id: `${exec}/on_complete/${name}`,
      name,
      trigger: 'on_complete',
      subject: 's',
      message: 'm',
      data: {},
      status,
      action,
      executionId: exec,
      origin: { source: source as 'sms', sender: '+15551230001' },
    }),
  );

const key = (d: { channel: string; target?: string }) => `${d.channel}|${d.target ?? ''}`;

describe('routeNotification properties', () => {
  it('never plans two deliveries with the same (channel, target), nor two fallbacks of one delivery', () => {
    fc.assert(
      fc.property(notification, fc.array(rule, { maxLength: 6 }), (n, raws) => {
        const plan = routeNotification(n, makeRules(raws), channels);
        const keys = plan.deliveries.map(key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const d of plan.deliveries) expect(new Set(d.fallback.map(key)).size).toBe(d.fallback.length);
        expect(new Set(plan.deliveries.map((d) => d.id)).size).toBe(plan.deliveries.length);
      }),
      { numRuns: 500 },
    );
  });

  it('gives stable ids that are valid BullMQ job ids and depend only on notification, channel and target', () => {
    fc.assert(
      fc.property(notification, fc.array(rule, { maxLength: 6 }), (n, raws) => {
        const rules = makeRules(raws);
        const a = routeNotification(n, rules, channels);
        const b = routeNotification({ ...n }, makeRules(structuredClone(raws)), channels);
        expect(b).toEqual(a);
        for (const d of a.deliveries) {
          expect(d.id).toMatch(/^d-[0-9a-f]{32}$/);
          expect(d.id).toBe(makeDeliveryId(n.id, d.channel, d.target));
          for (const f of d.fallback) expect(f.id).toMatch(/^f-[0-9a-f]{32}$/);
        }
        // reversing the rules may change which rule plans a delivery, never its id
        const reversed = routeNotification(
          n,
          [...rules].reverse().map((r) => ({ ...r, stop: false })),
          channels,
        );
        const ids = new Map(reversed.deliveries.map((d) => [key(d), d.id]));
        for (const d of a.deliveries) if (ids.has(key(d))) expect(ids.get(key(d))).toBe(d.id);
      }),
      { numRuns: 300 },
    );
  });

  it('gives different ids to different notifications, channels or targets', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string(), fc.option(fc.string(), { nil: undefined })),
        fc.tuple(fc.string(), fc.string(), fc.option(fc.string(), { nil: undefined })),
        (x, y) => {
          const same = x[0] === y[0] && x[1] === y[1] && (x[2] ?? '') === (y[2] ?? '');
          expect(makeDeliveryId(...x) === makeDeliveryId(...y)).toBe(same);
        },
      ),
    );
  });
});
