/**
 * The help listing: the aliases a person may run, with their help formats. Shared by `core.help`
 * (the worker's built-in, paged text for chat and SMS) and `GET /api/v1/aliases`.
 */
import type { AliasMatcher } from '../aliases/index.ts';
import { allowFromConfig, mayRun, resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';

export interface HelpEntry {
  id: string;
  action: string;
  description: string | null;
  /** one help string per format: `display`, else the format itself */
  formats: string[];
}

export interface HelpPage {
  /** the listing as plain text, one line per format */
  text: string;
  items: HelpEntry[];
  page: number;
  pages: number;
  total: number;
}

export interface HelpDeps {
  config: Pick<Config, 'main' | 'aliases'>;
  matcher: Pick<AliasMatcher, 'aliases'>;
}

export const HELP_PAGE_SIZE = 10;

/**
 * Every enabled alias `user` may run, in declaration order; `filter` keeps those whose id,
 * description or formats contain it (case-insensitive). An unknown user gets nothing.
 */
export function helpEntries(deps: HelpDeps, user: string | undefined, filter?: string): HelpEntry[] {
  const principal = resolveUser(deps.config, user);
  if (!principal) return [];
  const allowOf = allowFromConfig(deps.config);
  const needle = filter?.trim().toLowerCase();
  return deps.matcher.aliases
    .filter((a) => a.enabled && mayRun(principal, allowOf(a.id)))
    .map((a) => ({ id: a.id, action: a.action, description: a.description ?? null, formats: [...a.display] }))
    .filter((e) => !needle || [e.id, e.description ?? '', ...e.formats].some((s) => s.toLowerCase().includes(needle)));
}

/**
 * `core.help [filter] [page]`: one page of {@link helpEntries}, with a text rendering.
 *
 * @example
 * startExecutionWorker({ config, logger, builtins: { help: (u, f, p) => helpText({ config, matcher }, u, f, p) } });
 */
export async function helpText(deps: HelpDeps, user: string | undefined, filter: string | undefined, page: number): Promise<HelpPage> {
  const all = helpEntries(deps, user, filter);
  const pages = Math.max(1, Math.ceil(all.length / HELP_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const items = all.slice((current - 1) * HELP_PAGE_SIZE, current * HELP_PAGE_SIZE);
  const lines = items.flatMap((e) => e.formats.map((f) => (e.description ? `${f} - ${e.description}` : f)));
  if (all.length === 0) lines.push(filter ? `no commands match "${filter}"` : 'no commands available');
  if (pages > 1) lines.push(`page ${current}/${pages}`);
  return { text: lines.join('\n'), items, page: current, pages, total: all.length };
}
