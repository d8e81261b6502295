/** Slack: slash commands, events, buttons, Socket Mode in; chat.postMessage out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { slackSink } from './sink.ts';
import { slackCommandsIngress } from './commands.ts';
import { slackEventsIngress } from './events.ts';
import { slackInteractionsIngress } from './interactions.ts';
import { slackSocketIngress } from './socket.ts';

export const runtime: ProviderRuntime = {
  sink: slackSink,
  http: [slackCommandsIngress, slackEventsIngress, slackInteractionsIngress],
  listeners: [slackSocketIngress],
};
