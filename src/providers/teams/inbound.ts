/**
 * The parts of a Teams outgoing-webhook Activity Switchboard reads (docs/providers/teams.md), and the
 * command text inside it. Pure.
 *
 * Teams posts a Bot Framework Activity: `type: 'message'`, `id`, `timestamp`, `text` (`<at>Bot</at>
 * restart web`, HTML-ish: tags and entities), `from: {id, name, aadObjectId}`, `conversation: {id}`,
 * `channelData: {tenant: {id}, teamsChannelId, teamsTeamId}`.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';

/** Characters of an activity's text read; a command is far shorter (the pipeline caps it at 4,096). */
export const TEAMS_TEXT_LIMIT = 16 * 1024;

export interface TeamsActivity {
  id: string;
  /** when Teams sent it (signed: inside the body) */
  timestamp?: Date;
  /** the person: their Entra ID (AAD) object id when present, else their Teams id */
  sender: string;
  senderName?: string;
  conversationId: string;
  tenantId?: string;
  /** the raw `text` */
  text: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The activity, or a reason it cannot be used (not a message, a field missing).
 *
 * @example
 * parseActivity(JSON.parse(raw)) // { id: '1485983408511', sender: '6f3d…', conversationId: '19:…', text: '<at>sb</at> ping' }
 */
export function parseActivity(body: unknown): TeamsActivity | { error: string } {
  const a = obj(body);
  if (a.type !== 'message') return { error: `activity type ${JSON.stringify(a.type ?? null)} is not handled (only "message")` };
  const id = str(a.id);
  const from = obj(a.from);
  const sender = str(from.aadObjectId) ?? str(from.id);
  const conversationId = str(obj(a.conversation).id);
  if (!id || id.length > 256) return { error: 'the activity has no usable `id`' };
  if (!sender) return { error: 'the activity has no `from.id`' };
  if (!conversationId) return { error: 'the activity has no `conversation.id`' };
  const ts = str(a.timestamp);
  const at = ts === undefined ? undefined : new Date(ts);
  const senderName = str(from.name);
  const tenantId = str(obj(obj(a.channelData).tenant).id);
  return {
    id,
    ...(at && !Number.isNaN(at.getTime()) && { timestamp: at }),
    sender,
    ...(senderName !== undefined && { senderName }),
    conversationId,
    ...(tenantId !== undefined && { tenantId }),
    text: typeof a.text === 'string' ? a.text : '',
  };
}

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: TEAMS_TEXT_LIMIT, maxDepth: 32, maxChildNodes: 500, ellipsis: '' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ],
};

/** The bot mention Teams puts in front of the command (the first `<at>…</at>`). */
const LEADING_MENTION = /^\s*(?:<p>\s*)?<at(?:\s[^>]{0,200})?>[^<]{0,256}<\/at>/i;

/**
 * The command typed after the bot's mention: the mention removed, HTML tags removed, entities
 * decoded (`&nbsp;`, `&amp;`), blanks collapsed. Linear in the text's length (html-to-text's
 * tokenizer, bounded by {@link TEAMS_TEXT_LIMIT}).
 *
 * @example
 * commandText('<at>Switchboard</at> restart&nbsp;web') // 'restart web'
 */
export function commandText(text: string): string {
  const capped = text.length > TEAMS_TEXT_LIMIT ? text.slice(0, TEAMS_TEXT_LIMIT) : text;
  const withoutMention = capped.replace(LEADING_MENTION, (m) => (/<p>/i.test(m) ? '<p>' : ''));
  return convert(withoutMention, OPTIONS)
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trim();
}
