/**
 * `switchboard match`: what an execution would receive for a command, without running anything.
 * Exit 0 on a match, 1 on none / ambiguity / bad value, 2 on a config error. Batch mode (no
 * COMMAND) answers every stdin line with one line, a blank line with an `empty` result that does not
 * change the exit code.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../config/load.ts';
import { toAliasSpecs } from '../config/index.ts';
import { compileAliases, matchFormat, normalizeText } from '../aliases/index.ts';
import type { MatchResult, Source } from '../aliases/types.ts';
import type { CliIo } from './index.ts';

export interface MatchArgs {
  config: string;
  format: string | undefined;
  source: Source;
  json: boolean;
  command: string | undefined;
}

/** The answer to a blank line (batch mode) or an empty COMMAND: there is nothing to match. */
export const EMPTY_COMMAND = { matched: false, reason: 'empty', error: 'no command on this line', suggestions: [], candidates: [] } as const;

/** The `--json` shape of docs/contracts.md section 5. */
export function matchResultToJson(r: MatchResult): Record<string, unknown> {
  switch (r.kind) {
    case 'matched':
      return { matched: true, alias: r.alias, action: r.action, format: r.format, params: r.multiple ?? r.params };
    case 'none':
      return { matched: false, reason: 'no_match', error: 'no alias matches this command', suggestions: r.suggestions, candidates: [] };
    case 'ambiguous':
      return {
        matched: false,
        reason: 'ambiguous',
        error: `the command matches ${r.candidates.length} aliases`,
        suggestions: [],
        candidates: r.candidates,
      };
    case 'invalid':
      return { matched: false, reason: 'invalid', error: r.error, suggestions: [], candidates: [], ...(r.alias ? { alias: r.alias } : {}) };
  }
}

function describe(text: string, r: MatchResult): string {
  switch (r.kind) {
    case 'matched': {
      const sets = r.multiple ?? [r.params];
      const lines = [`matched ${r.alias} -> ${r.action}  (format "${r.format}")`];
      sets.forEach((p, i) => {
        if (sets.length > 1) lines.push(`  hit ${i + 1}:`);
        for (const [k, v] of Object.entries(p)) lines.push(`  ${k} = ${JSON.stringify(v)}`);
      });
      return lines.join('\n');
    }
    case 'none':
      return [`no match for "${text}"`, ...(r.suggestions.length ? ['did you mean:', ...r.suggestions.map((s) => `  ${s}`)] : [])].join('\n');
    case 'ambiguous':
      return [`ambiguous: "${text}" matches several aliases:`, ...r.candidates.map((c) => `  ${c.alias}  "${c.format}"`)].join('\n');
    case 'invalid':
      return `${r.alias ? `${r.alias}: ` : ''}${r.error}`;
  }
}

/** One line for one result (batch mode: as many output lines as input lines). */
export function describeLine(text: string, r: MatchResult): string {
  const params = (p: Record<string, unknown>) =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
  switch (r.kind) {
    case 'matched': {
      const sets = r.multiple ?? [r.params];
      const shown = sets.length > 1 ? sets.map((p, i) => `hit ${i + 1}: ${params(p)}`).join('; ') : params(sets[0] ?? {});
      return `matched ${r.alias} -> ${r.action}${shown ? `  ${shown}` : ''}`;
    }
    case 'none':
      return `no match for "${text}"${r.suggestions.length ? `  (did you mean: ${r.suggestions.join(' | ')})` : ''}`;
    case 'ambiguous':
      return `ambiguous: "${text}" matches ${r.candidates.map((c) => c.alias).join(', ')}`;
    case 'invalid':
      return `${r.alias ? `${r.alias}: ` : ''}${r.error}`.replace(/\s*\n\s*/g, ' ');
  }
}

export async function runMatch(args: MatchArgs, io: CliIo): Promise<number> {
  const { config, diagnostics } = await loadConfig(args.config, { overlaps: false });
  if (!config) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.err(`${d.file}:${d.line}:${d.col}  ${d.path}: ${d.message}`);
    return 2;
  }
  const { matcher } = compileAliases(toAliasSpecs(config), { maxLength: config.main.limits.command_length });
  const botNames = config.main.ingress.bot_names;
  const matchOne = (raw: string): MatchResult => {
    const text = normalizeText(raw, args.source, { botNames });
    return args.format ? matchFormat(args.format, text) : matcher.match(text);
  };
  const batch = args.command === undefined;
  const print = (raw: string, r: MatchResult) => io.out(args.json ? JSON.stringify(matchResultToJson(r)) : batch ? describeLine(raw, r) : describe(raw, r));
  const printEmpty = () => io.out(args.json ? JSON.stringify(EMPTY_COMMAND) : '(no command)');

  if (args.command !== undefined) {
    if (!args.command.trim()) {
      printEmpty();
      return 1;
    }
    const r = matchOne(args.command);
    print(args.command, r);
    return r.kind === 'matched' ? 0 : 1;
  }
  let allMatched = true;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) {
      printEmpty();
      continue;
    }
    const r = matchOne(line);
    if (r.kind !== 'matched') allMatched = false;
    print(line, r);
  }
  return allMatched ? 0 : 1;
}
