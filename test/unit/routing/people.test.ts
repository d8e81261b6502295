import { describe, expect, it } from 'vitest';
import { userSchema, type UserConfig } from '../../../src/config/schema.ts';
import type { Notification } from '../../../src/notify/index.ts';
import { describeHeld, resolvePeople, routeNotification } from '../../../src/routing/index.ts';
import { makeChannels, makeRules } from '../notify/helpers.ts';

const channels = makeChannels([
  { name: 'log', kind: 'log' },
  { name: 'slack-ops', kind: 'slack', token: 'xoxb-1', default_target: '#ops' },
  { name: 'email-ops', kind: 'email', from: 'sb@example.com' },
  { name: 'twilio', kind: 'sms', account_sid: 'AC1', auth_token: 't', from: '+15550000000' },
  { name: 'twilio-2', kind: 'sms', account_sid: 'AC2', auth_token: 't', from: '+15550000001' },
]);

const users: Record<string, UserConfig> = Object.fromEntries(
  Object.entries({
    alice: { roles: ['oncall', 'ops'], phone: '+15551230001', email: 'alice@example.com', slack: 'U0ALICE' },
    bob: { roles: ['oncall'], phone: 'whatsapp:+15551230002', quiet: { hours: '22:00-07:00', tz: 'Europe/Berlin', except: { 'data.severity': 'critical' } } },
    carol: { roles: ['oncall'], email: 'carol@example.com' },
    dave: { roles: ['ops'] },
  }).map(([k, v]) => [k, userSchema.parse(v)]),
);

function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'EX1/on_failure/page',
    name: 'page',
    trigger: 'on_failure',
    subject: 'db down',
    message: 'db down\nsince 03:00',
    data: {},
    status: 'failed',
    executionId: 'EX1',
    ...over,
  };
}

const summary = (plan: ReturnType<typeof routeNotification>) => plan.deliveries.map((d) => `${d.channel}>${d.target}@${d.user ?? '-'}`);

describe('routeNotification: people as targets', () => {
  it('a user target is their id in the channel medium, the delivery marked with them', () => {
    const plan = routeNotification(notification(), makeRules([{ name: 'page', channel: 'page', to: [{ channel: 'twilio', user: 'alice' }] }]), channels, {
      users,
    });
    expect(summary(plan)).toEqual(['twilio>+15551230001@alice']);
    expect(plan.deliveries[0]).toMatchObject({ kind: 'sms', rule: 'page', user: 'alice', options: {} });
  });

  it('a role is every holder in users order, one delivery each; members without an id are skipped with a note', () => {
    const plan = routeNotification(
      notification(),
      makeRules([{ name: 'page oncall', channel: 'page', to: [{ channel: 'twilio', role: 'oncall' }] }]),
      channels,
      { users },
    );
    // WhatsApp numbers are kept as written: the sms channel sends whatsapp:+… targets on WhatsApp
    expect(summary(plan)).toEqual(['twilio>+15551230001@alice', 'twilio>whatsapp:+15551230002@bob']);
    expect(plan.notes).toEqual(['rule "page oncall": carol has no phone for channel twilio (kind sms); skipped']);
  });

  it('a user without a channel reaches every kind they have an id for, the first channel of each kind', () => {
    const plan = routeNotification(notification(), makeRules([{ name: 'all of alice', channel: 'page', to: [{ user: 'alice' }] }]), channels, { users });
    expect(summary(plan)).toEqual(['slack-ops>U0ALICE@alice', 'email-ops>alice@example.com@alice', 'twilio>+15551230001@alice']);
  });

  it('gives each person a distinct, deterministic id, and a plain target keeps its id', () => {
    const rules = makeRules([
      {
        name: 'r',
        channel: 'page',
        to: [
          { channel: 'twilio', role: 'oncall' },
          { channel: 'twilio', target: '+15559999999' },
        ],
      },
    ]);
    const a = routeNotification(notification(), rules, channels, { users });
    const b = routeNotification(notification(), rules, channels, { users });
    expect(a.deliveries.map((d) => d.id)).toEqual(b.deliveries.map((d) => d.id));
    expect(new Set(a.deliveries.map((d) => d.id)).size).toBe(3);
    const plain = routeNotification(notification(), makeRules([{ name: 'r', channel: 'page', to: [{ channel: 'twilio', target: '+15559999999' }] }]), channels);
    expect(a.deliveries[2]!.id).toBe(plain.deliveries[0]!.id);
  });

  it('a person also named by a plain target with the same address is sent once', () => {
    const rules = makeRules([
      {
        name: 'r',
        channel: 'page',
        to: [
          { channel: 'twilio', target: '+15551230001' },
          { channel: 'twilio', user: 'alice' },
        ],
      },
    ]);
    const plan = routeNotification(notification(), rules, channels, { users });
    expect(plan.deliveries).toHaveLength(1);
    expect(plan.notes[0]).toContain('already planned by rule "r"');
  });

  it('fallbacks accept people too', () => {
    const rules = makeRules([{ name: 'r', channel: 'page', to: [{ channel: 'slack-ops' }], fallback: [{ channel: 'twilio', role: 'oncall' }] }]);
    const [d] = routeNotification(notification(), rules, channels, { users }).deliveries;
    expect(d!.fallback.map((f) => `${f.target}@${f.user}`)).toEqual(['+15551230001@alice', 'whatsapp:+15551230002@bob']);
    expect(d!.fallback[0]!.id).toMatch(/^f-/);
  });

  it('without users (a caller that passes none), people targets are skipped with a note', () => {
    const plan = routeNotification(notification(), makeRules([{ name: 'r', channel: 'page', to: [{ channel: 'twilio', user: 'alice' }] }]), channels);
    expect(plan.deliveries).toEqual([]);
    expect(plan.notes).toEqual(['rule "r": user "alice" is unknown; skipped']);
  });
});

describe('routeNotification: quiet hours', () => {
  const rules = makeRules([{ name: 'page oncall', channel: ['page', 'origin'], to: [{ channel: 'twilio', role: 'oncall' }] }]);
  // 23:30 in Berlin
  const night = new Date('2026-12-06T22:30:00Z');

  it('marks a delivery to a person in quiet hours held until their end, the others not', () => {
    const plan = routeNotification(notification(), rules, channels, { users, now: night });
    expect(plan.deliveries.map((d) => d.held?.until)).toEqual([undefined, '2026-12-07T06:00:00.000Z']);
    expect(describeHeld(plan.deliveries[1]!.held!)).toBe('held now until 07:00 Europe/Berlin (quiet hours; except data.severity=critical)');
  });

  it('holds nothing that matches except, outside the hours, without a clock, or answering a command', () => {
    const held = (over: Partial<Notification>, now: Date | null = night) =>
      routeNotification(notification(over), rules, channels, { users, ...(now && { now }) }).deliveries.some((d) => d.held);
    expect(held({ data: { severity: 'critical' } })).toBe(false);
    expect(held({}, new Date('2026-12-07T12:00:00Z'))).toBe(false);
    expect(held({}, null)).toBe(false);
    expect(held({ trigger: 'result' })).toBe(false);
    expect(held({ name: 'origin', trigger: 'on_failure' })).toBe(false);
    expect(held({})).toBe(true);
  });
});

describe('resolvePeople', () => {
  it('says why a channel without person ids reaches nobody', () => {
    const r = resolvePeople({ channel: 'log', user: 'alice' }, channels, users);
    expect(r.targets).toEqual([]);
    expect(r.unreachable[0]!.reason).toContain('channel log (kind log) has no person ids');
  });

  it('names a person with no id for any channel', () => {
    expect(resolvePeople({ user: 'dave' }, channels, users).unreachable).toEqual([
      { user: 'dave', reason: expect.stringContaining('dave has no id for any channel') },
    ]);
  });
});
