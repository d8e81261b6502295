/**
 * `switchboard match`: what an execution would receive for a command, without running anything.
 * Exit 0 on a match, 1 on none / ambiguity / bad value, 2 on a config error.
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

/** The `--json` shape of DESIGN.md section 5. */
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
  const print = (raw: string, r: MatchResult) => io.out(args.json ? JSON.stringify(matchResultToJson(r)) : describe(raw, r));

  if (args.command !== undefined) {
    const r = matchOne(args.command);
    print(args.command, r);
    return r.kind === 'matched' ? 0 : 1;
  }
  let allMatched = true;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const r = matchOne(line);
    if (r.kind !== 'matched') allMatched = false;
    print(line, r);
  }
  return allMatched ? 0 : 1;
}
