/**
 * A fake Microsoft Teams for tests, both directions:
 *
 * - a Workflows webhook (a real HTTP server on 127.0.0.1:0): `POST /workflows/<id>/triggers/manual/
 *   paths/invoke` with a message holding Adaptive Cards, answered 202 with `x-ms-workflow-run-id`
 *   as Power Automate does; a body that is not such a message gets 400 `TriggerInputSchemaMismatch`,
 *   an unknown path 404 `WorkflowNotFound`. Failure injection: `failNext(n, {status, headers, body})`.
 * - Teams' side of an outgoing webhook: {@link outgoingActivity} builds the Activity Teams posts when
 *   someone @mentions the webhook, and {@link signTeamsBody} (verify.ts) its `Authorization: HMAC …`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export { signTeamsBody } from './verify.ts';

export interface TeamsCard {
  /** each TextBlock's text, in order */
  texts: string[];
  /** the Adaptive Card as received */
  card: Record<string, unknown>;
}

export interface TeamsFake extends FakeServer {
  /** the workflow URL to configure as `webhook_url` */
  webhookUrl: string;
  /** cards accepted (202), in order */
  cards: TeamsCard[];
}

const workflowError = (status: number, code: string, message: string): FakeResponse => ({ status, body: { error: { code, message } } });

/** The TextBlocks of a Workflows "post card" message, or why it is not one. */
function readCards(body: Record<string, unknown> | undefined): TeamsCard[] | string {
  if (body?.type !== 'message' || !Array.isArray(body.attachments) || body.attachments.length === 0) return 'expected {type: "message", attachments: [...]}';
  const cards: TeamsCard[] = [];
  for (const a of body.attachments as Record<string, unknown>[]) {
    if (a?.contentType !== 'application/vnd.microsoft.card.adaptive') return `attachment contentType ${String(a?.contentType)} is not an Adaptive Card`;
    const card = a.content as Record<string, unknown> | undefined;
    if (card?.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body))
      return 'content is not an AdaptiveCard with a version and a body';
    const texts = (card.body as Record<string, unknown>[]).filter((b) => b?.type === 'TextBlock').map((b) => String(b.text ?? ''));
    cards.push({ texts, card });
  }
  return cards;
}

/** @example const teams = await startTeamsFake(); // channel: { kind: teams, webhook_url: teams.webhookUrl } */
export async function startTeamsFake(): Promise<TeamsFake> {
  const cards: TeamsCard[] = [];
  const workflow = `/workflows/${randomBytes(16).toString('hex')}/triggers/manual/paths/invoke`;
  const route = (req: RecordedRequest): FakeResponse => {
    if (req.method !== 'POST' || req.path !== workflow) return workflowError(404, 'WorkflowNotFound', `The workflow for ${req.path} could not be found.`);
    if (!req.headers['content-type']?.includes('application/json')) return workflowError(415, 'UnsupportedMediaType', 'The content type is not supported.');
    const read = readCards(req.parsed);
    if (typeof read === 'string')
      return workflowError(400, 'TriggerInputSchemaMismatch', `The input body for trigger 'manual' of type 'Request' did not match its schema: ${read}`);
    cards.push(...read);
    return { status: 202, headers: { 'x-ms-workflow-run-id': `08584${randomBytes(10).toString('hex').toUpperCase()}` }, body: '' };
  };
  const fake = await startHttpFake(route);
  return {
    ...fake,
    webhookUrl: `${fake.url}${workflow}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=fake-${randomBytes(8).toString('hex')}`,
    cards,
  };
}

/** Who posts in Teams: an Entra ID object id and the Teams user id. */
export interface TeamsPerson {
  aadObjectId: string;
  name: string;
  id?: string;
}

/**
 * The Activity Teams posts to an outgoing webhook when `person` writes `<at>bot</at> command` in a
 * channel (Microsoft's "Create Outgoing Webhooks" sample payload, fields Switchboard reads and the
 * ones around them).
 *
 * @example
 * const body = JSON.stringify(outgoingActivity(alice, 'restart web'));
 * await fetch(url, { method: 'POST', headers: { authorization: signTeamsBody(token, body) }, body });
 */
export function outgoingActivity(person: TeamsPerson, command: string, opts: { id?: string; timestamp?: Date; bot?: string } = {}): Record<string, unknown> {
  const bot = opts.bot ?? 'Switchboard';
  const at = opts.timestamp ?? new Date();
  const thread = '19:c1b6a0b2f5d64e7f8a1d3c2b4e5f6a7b@thread.skype';
  return {
    type: 'message',
    id: opts.id ?? String(at.getTime() + Math.floor(Math.random() * 1000)),
    timestamp: at.toISOString(),
    localTimestamp: at.toISOString().replace('Z', '-08:00'),
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    channelId: 'msteams',
    from: { id: person.id ?? `29:1${randomUUID().replace(/-/g, '')}`, name: person.name, aadObjectId: person.aadObjectId },
    conversation: { isGroup: true, id: `${thread};messageid=${at.getTime()}`, name: null },
    recipient: null,
    textFormat: 'plain',
    attachmentLayout: null,
    membersAdded: [],
    membersRemoved: [],
    topicName: null,
    historyDisclosed: null,
    locale: 'en-US',
    text: `<at>${bot}</at> ${command.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
    summary: null,
    attachments: [
      { contentType: 'text/html', content: `<div><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${bot}</span> ${command}</div>` },
    ],
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' }],
    channelData: {
      teamsChannelId: thread,
      teamsTeamId: '19:team0000000000000000000000000000@thread.skype',
      channel: { id: thread },
      team: { id: '19:team0000000000000000000000000000@thread.skype' },
      tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
    },
    action: null,
    replyToId: null,
    value: null,
    name: null,
    relatesTo: null,
    code: null,
  };
}
