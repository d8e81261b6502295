import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, BOT_TOKEN, corpusJson, postSigned, shown, SIGNING_SECRET, slackConfigFiles, slashForm, waitFor } from './slack-helpers.ts';

const OTHER_SECRET = 'other-workspace-SECRET-0123456789';
const OTHER_TOKEN = 'xoxb-SECRET-other-0123456789';

/** Two slack channels (two workspaces or apps): a command answers through the one it came from. */
describe('Slack ingress with two signed slack channels', () => {
  let first: SlackFake;
  let second: SlackFake;
  let t: TestSwitchboard;

  beforeAll(async () => {
    first = await startSlackFake({ token: BOT_TOKEN });
    second = await startSlackFake({ token: OTHER_TOKEN });
    const files = slackConfigFiles(`
name: slack-ops
kind: slack
token: \${SLACK_BOT_TOKEN}
signing_secret: \${SLACK_SIGNING_SECRET}
api_url: \${SLACK_API_URL}
`);
    files['channels/slack-other.yaml'] = `
name: slack-other
kind: slack
token: \${OTHER_TOKEN}
signing_secret: \${OTHER_SECRET}
api_url: \${OTHER_API_URL}
`;
    t = await startTestSwitchboard({
      files,
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: first.apiUrl,
        OTHER_TOKEN,
        OTHER_SECRET,
        OTHER_API_URL: second.apiUrl,
        SB_API_KEY: API_KEY,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await first?.close();
    await second?.close();
  });

  it('accepts a command signed by the second channel and posts its result through that channel', async () => {
    const res = await postSigned(t, '/ingress/slack/commands', slashForm({ text: 'echo second workspace', trigger_id: 'ws-2' }), 'form', {
      secret: OTHER_SECRET,
    });
    expect(res.status).toBe(200);
    await waitFor(() => second.messages.find((m) => shown(m).includes('echoed: second workspace')), 'the result at the second workspace');
    expect(first.messages.some((m) => shown(m).includes('second workspace'))).toBe(false);
  });

  it('asks the second channel for its own bot user id', async () => {
    const e = corpusJson<{ event_id: string; event: Record<string, unknown> }>('slack-event-app_mention-docs.json');
    e.event.text = '<@U0BOT> echo mention in the second';
    expect((await postSigned(t, '/ingress/slack/events', JSON.stringify(e), 'json', { secret: OTHER_SECRET })).status).toBe(200);
    const posted = await waitFor(() => second.messages.find((m) => shown(m).includes('echoed: mention in the second')), 'the result');
    expect(posted.thread_ts).toBe('1515449522.000016');
    expect(second.requests.some((r) => r.path === '/api/auth.test')).toBe(true);
  });
});
