import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeyValues, runRoutes, type RoutesArgs } from '../../../src/cli/routes.ts';

const config = fileURLToPath(new URL('../../fixtures/routes/', import.meta.url));

async function run(args: Omit<RoutesArgs, 'config'> & { config?: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRoutes({ config, env: {}, ...args }, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface JsonOut {
  execution: { status: string; params: Record<string, unknown> };
  notifications: {
    notification: { trigger: string; name: string; message: string; data: Record<string, unknown> };
    plan: { matched: { rule: string }[]; deliveries: { channel: string; target?: string; rule: string; fallback: { channel: string }[] }[]; unrouted: boolean };
  }[];
}

const summary = (j: JsonOut) =>
  j.notifications.map((r) => ({
    n: `${r.notification.trigger}:${r.notification.name}`,
    rules: r.plan.matched.map((m) => m.rule),
    to: r.plan.deliveries.map((d) => `${d.channel}>${d.target ?? '-'}`),
  }));

describe('runRoutes', () => {
  it('prints which rules match and the rendered message per notification (human output)', async () => {
    const r = await run({ status: 'failed', action: 'ops.restart', user: 'alice', params: { service: 'web', env: 'prod' } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('ops.restart failed  (no alias, user alice, origin cli, execution preview)');
    expect(r.out).toContain('on_failure -> ops  "ops.restart failed"');
    expect(r.out).toContain('rules: "critical failures page the incident room" (stop)');
    expect(r.out).toMatch(/slack-ops \(slack\) #incidents {2}\[d-[0-9a-f]{32}\]/);
    expect(r.out).toContain('fallback: outbox (file) oncall');
    expect(r.out).toContain('github-ops (github) (no target)  {"labels":["incident"]}');
    expect(r.out).toContain('    | ops.restart failed on prod: simulated failure');
    expect(r.out).toContain('on_failure -> bugtracker');
  });

  it.each<[string, Omit<RoutesArgs, 'config'>, ReturnType<typeof summary>]>([
    [
      'staging failure: no stop rule, fan-out, duplicate slack #ops sent once',
      { status: 'failed', action: 'ops.restart', params: { service: 'api' } },
      [
        {
          n: 'on_failure:ops',
          rules: ['ops hears about everything', 'failures are kept in the outbox too'],
          to: ['slack-ops>#ops', 'log>-', 'outbox>failures'],
        },
        { n: 'on_failure:bugtracker', rules: ['bugs go to github'], to: ['github-ops>-'] },
      ],
    ],
    [
      '--data sets a data path the rules read',
      { status: 'timeout', action: 'ops.restart', data: { severity: 'critical' } },
      [
        { n: 'on_failure:ops', rules: ['critical failures page the incident room'], to: ['slack-ops>#incidents', 'github-ops>-'] },
        { n: 'on_failure:bugtracker', rules: ['bugs go to github'], to: ['github-ops>-'] },
      ],
    ],
    [
      'through the alias from slack: the override and the result reply in the thread',
      { status: 'timeout', action: 'ops.restart', alias: 'ops.restart', source: 'slack', user: 'alice' },
      [
        {
          n: 'on_failure:ops',
          rules: ['ops hears about everything', 'failures are kept in the outbox too'],
          to: ['slack-ops>#ops', 'log>-', 'outbox>failures'],
        },
        { n: 'result:origin', rules: [], to: ['slack-ops>C0PREVIEW'] },
      ],
    ],
    [
      'success through the alias from the cli: the reply goes nowhere',
      { status: 'succeeded', action: 'ops.restart', alias: 'restart' },
      [{ n: 'result:origin', rules: [], to: [] }],
    ],
    ['canceled: on_complete only', { status: 'canceled', action: 'db.backup' }, [{ n: 'on_complete:audit', rules: ['audit trail'], to: ['outbox>audit'] }]],
    [
      '--trigger keeps one trigger',
      { status: 'failed', action: 'db.backup', trigger: 'on_complete' },
      [{ n: 'on_complete:audit', rules: ['audit trail'], to: ['outbox>audit'] }],
    ],
    [
      'queued: the ack',
      { status: 'queued', action: 'ops.restart', alias: 'ops.restart', source: 'slack', params: { service: 'web' } },
      [{ n: 'ack:origin', rules: [], to: ['slack-ops>C0PREVIEW'] }],
    ],
    ['running: nothing', { status: 'running', action: 'ops.restart' }, []],
  ])('%s (--json)', async (_, args, expected) => {
    const r = await run({ ...args, json: true });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(summary(JSON.parse(r.out) as JsonOut)).toEqual(expected);
  });

  it('renders the exact messages, parameters included', async () => {
    const r = await run({ status: 'queued', action: 'ops.restart', alias: 'ops.restart', source: 'slack', params: { service: 'web' }, json: true });
    const j = JSON.parse(r.out) as JsonOut;
    expect(j.notifications[0]?.notification.message).toBe('Restarting web on staging…');
    expect(j.execution.params).toEqual({ env: 'staging', service: 'web' });
  });

  it('exits 1 when a notification would go nowhere (no sms channel for an sms origin)', async () => {
    const r = await run({ status: 'succeeded', action: 'ops.restart', alias: 'ops.restart', source: 'sms', user: 'alice' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('UNROUTED');
    expect(r.out).toContain('note: origin: no channel of kind sms to reply to a sms origin');
  });

  it('never prints a secret of the config', async () => {
    const r = await run({ status: 'failed', action: 'ops.restart', json: true, env: { SB_FIXTURE_SLACK_TOKEN: 'xoxb-secret-value-1234' } });
    expect(r.out).not.toContain('xoxb-secret-value-1234');
    expect(r.out).not.toContain('ghp-dummy-token');
  });

  it.each<[string, Omit<RoutesArgs, 'config'>, string]>([
    ['an unknown action', { status: 'failed', action: 'ops.restrat' }, 'unknown action "ops.restrat" (did you mean "ops.restart"?)'],
    [
      'an unknown status',
      { status: 'broken', action: 'ops.restart' },
      '--status must be one of queued, running, succeeded, failed, timeout, canceled, not "broken"',
    ],
    ['an unknown trigger', { status: 'failed', action: 'ops.restart', trigger: 'on_fail' }, '--trigger must be one of'],
    ['an unknown alias', { status: 'failed', action: 'ops.restart', alias: 'ops.restrat' }, 'unknown alias "ops.restrat"'],
    ['an alias of another action', { status: 'failed', action: 'db.backup', alias: 'ops.restart' }, 'alias "ops.restart" runs ops.restart, not db.backup'],
  ])('exits 1 on %s', async (_, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  it('exits 2 with file:line:col diagnostics on a config error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-routes-'));
    try {
      await mkdir(join(dir, 'rules'));
      await writeFile(join(dir, 'rules', 'bad.yaml'), 'rules:\n  - name: x\n    channel: ops\n    to: [{ channel: nowhere }]\n');
      const r = await run({ config: dir, status: 'failed', action: 'core.noop' });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/rules\/bad\.yaml:4:\d+ {2}rules\.0\.to\.0\.channel: undefined channel "nowhere"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseKeyValues', () => {
  it.each<[string[] | undefined, Record<string, string> | string]>([
    [undefined, {}],
    [['severity=critical'], { severity: 'critical' }],
    [['a.b=c=d', 'e='], { 'a.b': 'c=d', e: '' }],
    [['oops'], 'expected key=value, got "oops"'],
    [['=v'], 'expected key=value, got "=v"'],
  ])('%j gives %j', (list, expected) => {
    expect(parseKeyValues(list)).toEqual(expected);
  });
});
