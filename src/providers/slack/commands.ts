/**
 * `POST /ingress/slack/commands`: Slack slash commands (form posts). Signed requests only; the
 * answer is the ephemeral reply of {@link handleSlashCommand}, within Slack's three seconds (it
 * only enqueues). `ssl_check=1` probes carry no signature and run nothing.
 */
import { Hono } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { UnavailableError } from '../../errors.ts';
import type { HttpIngress } from '../../ingress/ingress.ts';
import { handleSlashCommand, parseSlashCommand } from './command-handler.ts';
import { createSlackContext } from './context.ts';
import { readVerifiedSlackRequest } from './http.ts';
import { signedSlackChannels } from './inbound.ts';

/**
 * @example
 * # channels/slack-ops.yaml: a signing_secret enables it
 * name: slack-ops
 * kind: slack
 * token: ${SLACK_BOT_TOKEN}
 * signing_secret: ${SLACK_SIGNING_SECRET}
 */
export const slackCommandsIngress: HttpIngress = {
  name: 'slack-commands',
  routes(deps) {
    const app = new Hono();
    const channels = signedSlackChannels(deps.config.channels);
    if (channels.length === 0) return app;
    const ctx = createSlackContext(deps, 'slack-commands');

    app.post('/slack/commands', async (c) => {
      const verified = await readVerifiedSlackRequest(c, channels, deps.now(), ctx.log);
      if ('refused' in verified) {
        // Slack's certificate probe is unsigned and carries no command
        if (new URLSearchParams(await c.req.text()).get('ssl_check') === '1') return c.body(null, 200);
        return verified.refused;
      }
      const form = new URLSearchParams(verified.body);
      if (form.get('ssl_check') === '1') return c.body(null, 200);
      const cmd = parseSlashCommand(Object.fromEntries(form));
      if (!cmd) return c.json(errorBody('invalid_request', 'a slash command needs user_id and channel_id'), 400);
      try {
        const reply = await handleSlashCommand(ctx, verified.channel, cmd);
        return reply ? c.json(reply) : c.body(null, 200);
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        ctx.log.error({ err: err.message }, 'slack slash command not queued: Redis unavailable');
        return c.json({ response_type: 'ephemeral', text: 'Switchboard cannot queue commands right now; nothing was run. Try again shortly.' });
      }
    });
    return app;
  },
};
