import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adfText } from '../../../src/providers/jira/adf.ts';
import { jiraSink } from '../../../src/providers/jira/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { startJiraFake, type JiraFake } from '../../../src/providers/jira/fake.ts';
import { sampleMessage, testDeps } from './helpers.ts';

describe('jiraSink', () => {
  let jira: JiraFake;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  const exec = (status: string) => ({ id: 'e1', status, action: 'ops.restart', alias: 'restart' });
  beforeEach(async () => {
    jira = await startJiraFake({ email: 'bot@acme.test', token: 'jira-token-1' });
    sink = jiraSink.create(
      jiraSink.settings.parse({
        name: 'jira',
        kind: 'jira',
        token: 'jira-token-1',
        email: 'bot@acme.test',
        project: 'OPS',
        issue_type: 'Bug',
        api_url: jira.url,
        close_on_success: true,
      }),
      testDeps(),
    );
  });
  afterEach(() => jira.close());

  it('opens one issue per fingerprint with an ADF description, then comments in ADF', async () => {
    const r = await sink.send(sampleMessage({ execution: exec('failed'), text: 'Failed{~}exit 1' }), signal());
    await sink.send(sampleMessage({ execution: exec('failed'), text: 'again' }), signal());
    expect(r.externalId).toBe('OPS-1');
    expect(jira.issues).toHaveLength(1);
    const issue = jira.issues[0]!;
    expect(issue).toMatchObject({
      project: 'OPS',
      issuetype: 'Bug',
      summary: 'ops.restart failed',
      labels: ['switchboard', expect.stringMatching(/^sb-fp-[0-9a-f]{16}$/)],
    });
    expect(issue.description).toMatchObject({ type: 'doc', version: 1 });
    expect(adfText(issue.description as never)).toContain('exit 1');
    expect(issue.comments).toHaveLength(1);
    expect(adfText(issue.comments[0]?.body as never)).toContain('again');
  });

  it('transitions the issue to done on success', async () => {
    await sink.send(sampleMessage({ execution: exec('failed') }), signal());
    await sink.send(sampleMessage({ execution: exec('succeeded') }), signal());
    expect(jira.issues[0]?.done).toBe(true);
  });

  it('requires the site URL', () => {
    expect(() => jiraSink.create(jiraSink.settings.parse({ name: 'j', kind: 'jira', token: 't', project: 'OPS' }), testDeps())).toThrow(/api_url/);
  });
});
