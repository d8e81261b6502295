import { describe, expect, it } from 'vitest';
import { createExecutionView, resultView } from '../../../src/api/execution-view.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { buildConfig } from './fixture.ts';

const view = createExecutionView(buildConfig());

const record = (fields: Partial<ExecutionRecord>): ExecutionRecord => ({
  id: 'k3m9x2ab',
  status: 'succeeded',
  action: 'core.noop',
  params: {},
  created_at: '2026-12-01T00:00:00.000Z',
  attempts: 1,
  deliveries: [],
  ...fields,
});

describe('execution view', () => {
  const slack = record({
    user: 'bob',
    origin: { source: 'slack', sender: 'U0BOB', reply: { channel: 'C0OPS', thread_ts: '1.2', response_url: 'https://hooks.slack.com/commands/T0/1/abc' } },
  });

  it('shows the origin when allowed, without the Slack response_url', () => {
    expect(view(slack, { origin: true }).origin).toEqual({ source: 'slack', sender: 'U0BOB', reply: { channel: 'C0OPS', thread_ts: '1.2' } });
  });

  it('shows origin null when not allowed', () => {
    expect(view(slack, { origin: false }).origin).toBeNull();
  });

  it('drops credential headers of an http result, whoever reads it, and keeps the rest', () => {
    const http = record({
      action: 'ops.fetch',
      result: {
        status_code: 200,
        headers: { 'Set-Cookie': 'internal_session=SECRET-INTERNAL-COOKIE', 'content-type': 'text/plain', authorization: 'Bearer x' },
        body: 'ok',
      },
    });
    const shown = JSON.stringify(view(http, { origin: true }));
    expect(shown).not.toContain('SECRET-INTERNAL-COOKIE');
    expect(shown).not.toContain('Bearer x');
    expect(view(http, { origin: true }).result).toEqual({ status_code: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });
  });

  it('leaves other results as they are', () => {
    for (const r of [null, 'pong', [1, 2], { stdout: 'x', headers: { 'set-cookie': 'kept: not an http result' } }]) expect(resultView(r)).toEqual(r);
  });

  it('shows the live output of a running execution with config secrets redacted, and null otherwise', () => {
    const secret = buildConfig().secrets[0]!;
    const output = { stdout: `step 1 token=${secret}\n`, stderr: '', updated_at: '2026-12-01T00:00:01.000Z' };
    const running = view(record({ status: 'running', output }), { origin: false });
    expect(running.output).toEqual({ stdout: 'step 1 token=[redacted]\n', stderr: '', updated_at: '2026-12-01T00:00:01.000Z' });
    expect(view(record({ status: 'running' }), { origin: false }).output).toBeNull();
    // a record read as it ended: the result holds the output now
    expect(view(record({ status: 'succeeded', output }), { origin: false }).output).toBeNull();
  });
});
