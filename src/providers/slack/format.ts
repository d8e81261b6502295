/**
 * Shapes one message for chat.postMessage (pure). Plain messages become mrkdwn section blocks;
 * StackStorm's `{~}` split becomes an attachment (pretext before, body after). Multi-line output is
 * folded into a code block; output beyond a section block's limit is previewed and returned as an
 * upload, so nothing is cut silently.
 */
import { splitAttachment } from '../../sinks/render.ts';

/** Slack's limit on the text of one section block. */
export const SECTION_LIMIT = 3000;
/** Slack's limit on a message's top-level `text`. */
export const TEXT_LIMIT = 40_000;
/** A plain message with more lines than this has everything after its first line folded. */
export const FOLD_LINES = 10;

export interface SlackPost {
  /** top-level text: the notification fallback */
  text: string;
  blocks?: Record<string, unknown>[];
  attachments?: Record<string, unknown>[];
  /** the full output, when it did not fit and must be uploaded as a file */
  upload?: { filename: string; title: string; content: string };
}

export interface SlackFormatInput {
  id: string;
  subject: string;
  text: string;
  status?: string;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Wraps multi-line text in a code fence unless it already has one. */
export function foldOutput(text: string): string {
  if (!text.includes('\n') || text.includes('```')) return text;
  return `\`\`\`\n${text}\n\`\`\``;
}

/** Fits `text` into `limit` characters, cutting at a line end, with a note saying where the rest went. */
function preview(body: string, limit: number, filename: string): { shown: string; cut: boolean } {
  const folded = foldOutput(body);
  if (folded.length <= limit) return { shown: folded, cut: false };
  const note = `\n_Output cut at this point (${body.length.toLocaleString('en-US')} characters in all): the full text is in the file ${filename}._`;
  const room = limit - note.length - 8;
  let head = body.slice(0, room);
  const nl = head.lastIndexOf('\n');
  if (nl > room / 2) head = head.slice(0, nl);
  return { shown: `\`\`\`\n${head}\n\`\`\`${note}`, cut: true };
}

function color(status?: string): string {
  if (status === 'succeeded') return 'good';
  if (status === 'failed' || status === 'timeout') return 'danger';
  return '#439FE0';
}

/**
 * @example
 * formatSlackMessage({ id: 'd1', subject: 'ops.restart failed', text: 'Failed{~}line 1\nline 2', status: 'failed' })
 * // { text: 'ops.restart failed', attachments: [{ pretext: 'Failed', text: '```\nline 1\nline 2\n```', color: 'danger', ... }] }
 */
export function formatSlackMessage(input: SlackFormatInput): SlackPost {
  const { pretext, body } = splitAttachment(input.text);
  const filename = `output-${input.id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}.txt`;
  const upload = (content: string) => ({ filename, title: input.subject || 'output', content });
  const fallback = clip(input.subject || pretext || body || ' ', TEXT_LIMIT);

  if (body !== undefined) {
    const p = preview(body, SECTION_LIMIT, filename);
    const attachment = {
      color: color(input.status),
      pretext: clip(pretext, SECTION_LIMIT),
      text: p.shown,
      fallback: clip(pretext || input.subject || body, 300),
      mrkdwn_in: ['pretext', 'text'],
    };
    return { text: fallback, attachments: [attachment], ...(p.cut ? { upload: upload(body) } : {}) };
  }

  const lines = pretext.split('\n');
  let head = pretext;
  let rest: string | undefined;
  if (lines.length > FOLD_LINES && !pretext.includes('```')) {
    head = lines[0] ?? '';
    rest = lines.slice(1).join('\n');
  }
  if (rest === undefined && head.length <= SECTION_LIMIT) {
    return { text: clip(input.subject || head || ' ', TEXT_LIMIT), ...(head ? { blocks: [section(head)] } : {}) };
  }
  if (rest !== undefined) {
    const p = preview(rest, SECTION_LIMIT, filename);
    return { text: fallback, blocks: [section(clip(head, SECTION_LIMIT)), section(p.shown)], ...(p.cut ? { upload: upload(rest) } : {}) };
  }
  const p = preview(head, SECTION_LIMIT, filename);
  return { text: fallback, blocks: [section(p.shown)], upload: upload(head) };
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
