/**
 * `help` over SMS: the aliases the sender may run (src/commands/help.ts `helpEntries`), one format
 * per line, packed into pages of one segment each (160 GSM-7 septets, 70 UCS-2 units), with a
 * footer that says how to get the next page (`help 2`). Pure.
 */
import { helpEntries, type HelpDeps } from '../../commands/help.ts';
import { fitsSegments, smsFormat, truncateToSegments } from './text.ts';

export interface SmsHelpPage {
  text: string;
  page: number;
  pages: number;
}

const footer = (page: number, pages: number, filter: string | undefined) =>
  page < pages ? `\n(${page}/${pages}) more: help ${filter ? `${filter} ` : ''}${page + 1}` : `\n(${page}/${pages})`;

/**
 * Packs `lines` into one-segment pages; every page leaves room for the longest footer.
 */
export function paginateLines(lines: readonly string[], filter?: string): string[][] {
  const most = Math.max(1, lines.length);
  const reserve = footer(most - 1 || 1, most, filter);
  const pages: string[][] = [];
  let current: string[] = [];
  for (const raw of lines) {
    const line = truncateToSegments(raw, 1);
    const candidate = [...current, line];
    if (current.length > 0 && !fitsSegments(`${candidate.join('\n')}${reserve}`)) {
      pages.push(current);
      current = [line];
    } else current = candidate;
  }
  if (current.length > 0) pages.push(current);
  return pages;
}

/**
 * Page `page` (1-based, clamped) of `user`'s commands, `filter` keeping those that mention it.
 *
 * @example
 * smsHelpPage({ config, matcher }, 'alice', undefined, 2).text // 'deploy <app>\n...\n(2/3) more: help 3'
 */
export function smsHelpPage(deps: HelpDeps, user: string, filter: string | undefined, page: number): SmsHelpPage {
  const lines = [...new Set(helpEntries(deps, user, filter).flatMap((e) => e.formats.map(smsFormat)))];
  if (lines.length === 0) {
    return { text: filter ? truncateToSegments(`No commands match "${filter}".`) : 'No commands available.', page: 1, pages: 1 };
  }
  const pages = paginateLines(lines, filter);
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages.length);
  const body = pages[current - 1]!.join('\n');
  return { text: pages.length > 1 ? `${body}${footer(current, pages.length, filter)}` : body, page: current, pages: pages.length };
}
