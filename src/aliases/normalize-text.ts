/**
 * Per-ingress normalisation of a command before matching (docs/contracts.md section 3).
 */
import type { Source } from './types.ts';

const UNICODE_BLANKS = /[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;
const ZERO_WIDTH = /[\u200B\u2060\uFEFF]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const ON_WROTE = /^\s*On\b.*\bwrote:\s*$/;

/**
 * Normalises an inbound command the way its ingress should.
 *
 * @example
 * normalizeText('@switchboard: restart web\r\n', 'slack')                  // 'restart web'
 * normalizeText('<@U0BOT> “deploy” api', 'slack', { botUserId: 'U0BOT' }) // '"deploy" api'
 * normalizeText('status\n\n-- \nAlice', 'email')                           // 'status'
 */
export function normalizeText(text: string, source: Source, opts: { botNames?: string[]; botUserId?: string } = {}): string {
  // 1. line ends, Unicode blanks and curly quotes
  let t = text.replace(/\r\n?/g, '\n').replace(UNICODE_BLANKS, ' ').replace(ZERO_WIDTH, '').replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"');
  // 2. email: the first paragraph above a signature or a quoted reply
  if (source === 'email') t = firstParagraph(t);
  // 3. one leading bot address
  t = stripBotAddress(t.trim(), opts.botNames ?? ['switchboard', 'sb'], opts.botUserId);
  return t.trim();
}

function firstParagraph(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (line === '-- ' || line === '--' || /^\s*>/.test(line) || ON_WROTE.test(line)) break;
    // "On Mon, 1 Jan 2024 at 10:00, Alice <a@b.c>" / "wrote:" wrapped over two lines
    if (/^\s*On\s/.test(line) && /^.*\bwrote:\s*$/.test(next) && kept.length > 0) break;
    if (line.trim() === '') {
      if (kept.length > 0) break;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

function stripBotAddress(text: string, botNames: string[], botUserId: string | undefined): string {
  const names = botNames.filter(Boolean).map(escape).join('|');
  const forms = [
    botUserId ? `<@${escape(botUserId)}(?:\\|[^>]*)?>:?` : undefined,
    names ? `@(?:${names})[:,]?` : undefined,
    names ? `/(?:${names})` : undefined,
  ].filter(Boolean);
  // a name only counts when a blank or the end follows it; `!` may touch the command
  const re = new RegExp(`^(?:(?:${forms.join('|')})(?=\\s|$)|!)`, 'i');
  return text.replace(re, '');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
