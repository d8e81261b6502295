/**
 * Every sink kind, one line each. Adding a sink = one file + one entry here (and its member of
 * `channelSchema` in src/config/schema.ts).
 */
import type { ChannelConfig } from '../config/schema.ts';
import { emailSink } from './email.ts';
import { fileSink } from './file.ts';
import { githubSink } from './github.ts';
import { gitlabSink } from './gitlab.ts';
import { jiraSink } from './jira.ts';
import { logSink } from './log.ts';
import type { Sink, SinkDeps } from './sink.ts';
import { slackSink } from './slack.ts';
import { smsSink } from './sms.ts';
import { webhookSink } from './webhook.ts';

export const sinkDefinitions = [logSink, fileSink, slackSink, emailSink, smsSink, githubSink, gitlabSink, jiraSink, webhookSink] as const;

export type SinkKind = (typeof sinkDefinitions)[number]['kind'];

/**
 * Builds the sink of one configured channel. The channel must already be valid (config load
 * validated it); an unknown kind is rejected with the list of known ones.
 *
 * @example
 * const sink = createSink(config.channels.get('slack-ops')!, { logger, state, configDir: config.dir });
 * await sink.send(message, AbortSignal.timeout(30_000));
 */
export function createSink(channel: ChannelConfig, deps: SinkDeps): Sink {
  const kind = (channel as { kind?: unknown }).kind;
  const def = sinkDefinitions.find((d) => d.kind === kind);
  if (!def) {
    throw new Error(`Unknown channel kind ${JSON.stringify(kind)} for channel "${channel.name}"; known kinds: ${sinkDefinitions.map((d) => d.kind).join(', ')}`);
  }
  return def.create(channel as never, deps);
}

export { SinkError } from './sink.ts';
export type { OutboundMessage, SendResult, Sink, SinkDeps, SinkState } from './sink.ts';
