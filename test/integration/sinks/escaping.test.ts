/**
 * Values a sender typed are escaped for each medium at render time (issue 12 item 4, finding #8):
 * a slash command `say <!here> ...` reaches Slack as `&lt;!here&gt;` through the real pipeline and
 * the Slack fake, while the alias's own mrkdwn (a config literal) is posted as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, BOT_TOKEN, SIGNING_SECRET, postSigned, shown, signedChannel, slackConfigFiles, slashForm, waitFor } from '../ingress/slack-helpers.ts';

describe('Slack escaping of values typed by a sender', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    const files = {
      ...slackConfigFiles(signedChannel),
      'aliases/say.yaml': `
name: say
action_ref: core.echo
formats: ["say {{message}}"]
ack: { enabled: false }
result: { format: "<!subteam^S0OPS|ops> said: {{ message }}" }
`,
    };
    t = await startTestSwitchboard({
      files,
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SB_API_KEY: API_KEY },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });

  it("posts `<!here>` and a disguised link typed by a sender inert, and the template's own mrkdwn as written", async () => {
    // what Slack sends for a typed `say <!here> deploy freeze <https://evil.example/login|Slack SSO> & more`
    const typed = 'say &lt;!here&gt; deploy freeze &lt;https://evil.example/login|Slack SSO&gt; &amp; more';
    const res = await postSigned(
      t,
      '/ingress/slack/commands',
      slashForm({ trigger_id: `t.${Date.now()}`, text: typed, response_url: slack.responseUrl('T1/2/say') }),
      'form',
    );
    expect(res.status).toBe(200);
    const posted = await waitFor(() => [...slack.messages, ...slack.responses].find((m) => shown(m as never).includes('said:')), 'the result');
    const text = shown(posted as never);
    expect(text).toContain('<!subteam^S0OPS|ops> said: &lt;!here&gt; deploy freeze &lt;https://evil.example/login|Slack SSO&gt; &amp; more');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<https://evil');
  });
});
