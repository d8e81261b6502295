import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRef } from '../../../src/notify/types.ts';
import { startGithubFake, type GithubFake } from '../../../src/providers/github/fake.ts';
import { githubSink } from '../../../src/providers/github/sink.ts';
import { startJiraFake, type JiraFake } from '../../../src/providers/jira/fake.ts';
import { jiraSink } from '../../../src/providers/jira/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { alertFingerprint } from '../../../src/sinks/tracker.ts';
import { sampleMessage, testDeps } from './helpers.ts';

const alert = (status: AlertRef['status'], over: Partial<AlertRef> = {}): AlertRef => ({
  id: 'al1',
  code: '4821',
  fingerprint: 'f00dfeed12345678',
  status,
  channel: 'am-prod',
  ...over,
});

describe('deliverToTracker with alerts (GitHub)', () => {
  let gh: GithubFake;
  const signal = () => new AbortController().signal;
  const make = (over: Record<string, unknown> = {}, deps = testDeps()): Sink =>
    githubSink.create(
      githubSink.settings.parse({ name: 'gh', kind: 'github', token: 'ghp_testtoken', repo: 'acme/ops', api_url: gh.url, labels: ['alert'], ...over }),
      deps,
    );
  // an alert notification carries no execution
  const alertMessage = (a: AlertRef, text: string) =>
    sampleMessage({ subject: `[${a.status.toUpperCase()}] HighLatency`, text, execution: undefined, alert: a, thread: `alert:${a.id}` });

  beforeEach(async () => {
    gh = await startGithubFake({ token: 'ghp_testtoken' });
  });
  afterEach(() => gh.close());

  it('opens one issue per alert fingerprint, comments on a repeat, and closes it on resolve', async () => {
    const sink = make();
    const opened = await sink.send(alertMessage(alert('firing'), 'HighLatency on web-1'), signal());
    await sink.send(alertMessage(alert('firing', { step: 1 }), 'still firing, escalated'), signal());
    const closed = await sink.send(alertMessage(alert('resolved'), 'HighLatency resolved at 10:42'), signal());

    expect(gh.issues).toHaveLength(1);
    const issue = gh.issues[0]!;
    expect(issue.body).toContain(`<!-- switchboard-fingerprint:${alertFingerprint('f00dfeed12345678')} -->`);
    expect(issue.comments.map((c) => c.body.split('\n')[0])).toEqual(['still firing, escalated', 'HighLatency resolved at 10:42']);
    expect(issue.state).toBe('closed');
    expect([opened.externalId, closed.externalId]).toEqual(['1', '1']);
  });

  it('closes on resolve even without close_on_success, and opens a new issue when it fires again', async () => {
    const sink = make({ close_on_success: false });
    await sink.send(alertMessage(alert('firing'), 'firing'), signal());
    await sink.send(alertMessage(alert('resolved'), 'resolved'), signal());
    await sink.send(alertMessage(alert('firing', { id: 'al2', code: '5000' }), 'firing again'), signal());
    expect(gh.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('keeps alerts with different fingerprints apart, and a resolve with no open issue opens none', async () => {
    const sink = make();
    await sink.send(alertMessage(alert('firing'), 'one'), signal());
    await sink.send(alertMessage(alert('firing', { id: 'al2', fingerprint: 'beefbeefbeefbeef' }), 'two'), signal());
    const r = await sink.send(alertMessage(alert('resolved', { id: 'al3', fingerprint: '0000000000000000' }), 'never fired here'), signal());
    expect(gh.issues).toHaveLength(2);
    expect(r.skipped).toBe('no open issue to close');
  });

  it('finds the alert’s issue by its marker when the state is lost (another worker)', async () => {
    await make().send(alertMessage(alert('firing'), 'firing'), signal());
    await make({}, testDeps()).send(alertMessage(alert('resolved'), 'resolved'), signal());
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.state).toBe('closed');
  });
});

describe('alertFingerprint', () => {
  it('keeps a plain fingerprint and hashes anything else', () => {
    expect(alertFingerprint('f00d.feed-1_2')).toBe('alert:f00d.feed-1_2');
    expect(alertFingerprint('x" OR project = "SECRET')).toMatch(/^alert:[0-9a-f]{16}$/);
  });
});

describe('deliverToTracker with alerts (Jira)', () => {
  let jira: JiraFake;
  const signal = () => new AbortController().signal;
  beforeEach(async () => {
    jira = await startJiraFake({ email: 'bot@acme.test', token: 'jira-token-1' });
  });
  afterEach(() => jira.close());

  it('opens the alert’s issue with its fingerprint label and moves it to done on resolve, close_on_success or not', async () => {
    const sink = jiraSink.create(
      jiraSink.settings.parse({ name: 'jira', kind: 'jira', token: 'jira-token-1', email: 'bot@acme.test', project: 'OPS', api_url: jira.url }),
      testDeps(),
    );
    const m = (a: AlertRef, text: string) => sampleMessage({ subject: 'HighLatency', text, execution: undefined, alert: a, thread: `alert:${a.id}` });
    await sink.send(m(alert('firing'), 'firing'), signal());
    expect(jira.issues[0]?.labels).toEqual(['switchboard', 'sb-fp-alert:f00dfeed12345678']);
    expect(jira.issues[0]?.done).toBeFalsy();
    await sink.send(m(alert('resolved'), 'resolved'), signal());
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]?.done).toBe(true);
  });
});
