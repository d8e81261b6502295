/**
 * Every ingress, one line each. HTTP ingresses are mounted under `/ingress`; listeners start with
 * the gateway. Adding a transport = one file + one line here.
 */
import type { HttpIngress, ListenerIngress } from './ingress.ts';
import { twilioSmsIngress } from './twilio-sms.ts';
import { slackCommandsIngress } from './slack-commands.ts';
import { slackEventsIngress } from './slack-events.ts';
import { slackInteractionsIngress } from './slack-interactions.ts';
import { slackSocketIngress } from './slack-socket.ts';
import { emailSmtpIngress } from './email-smtp.ts';
import { emailWebhookIngress } from './email-webhooks.ts';

export const httpIngresses: HttpIngress[] = [
  twilioSmsIngress,
  slackCommandsIngress,
  slackEventsIngress,
  slackInteractionsIngress,
  emailWebhookIngress,
];

export const listenerIngresses: ListenerIngress[] = [
  slackSocketIngress,
  emailSmtpIngress,
];

export type { HttpIngress, IngressDeps, ListenerIngress } from './ingress.ts';
