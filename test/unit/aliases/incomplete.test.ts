import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAliases, renderFormat, type AliasSpec } from '../../../src/aliases/index.ts';
import { completedText, formatCuts } from '../../../src/aliases/incomplete.ts';
import type { ParameterSpec } from '../../../src/config/schema.ts';
import { aliasCorpusDir } from '../../corpus.ts';

const P = (o: Record<string, Partial<ParameterSpec>>) => o as Record<string, ParameterSpec>;

function spec(id: string, formats: string[], parameters?: Record<string, ParameterSpec>, extra: Partial<AliasSpec> = {}): AliasSpec {
  return { id, action: id, enabled: true, formats, immutableParameters: {}, ...(parameters && { parameters }), ...extra };
}

const { matcher } = compileAliases([
  spec(
    'ops.restart',
    ['restart {{service}} on {{env}}'],
    P({ service: { type: 'string', required: true }, env: { type: 'string', enum: ['staging', 'prod'], required: true } }),
  ),
  spec('ops.deploy', ['deploy {{app}} {{version}}']),
  spec('ops.ship', ['ship {{app}}'], P({ app: { type: 'string', required: true }, version: { type: 'string', required: true }, note: { type: 'string' } })),
  spec('ops.scale', ['scale {{app}} to {{count}} {{force=no}}'], P({ count: { type: 'integer', minimum: 1 } })),
  spec('ops.status', ['status {{id}}']),
  spec('ops.ls', ['list {{path}}'], undefined, { argv: true }),
  spec('net.ping', ['ping {{host}} count {{n=3}}']),
  spec('net.route', ['(show|sh) ip route {{net}}']),
  spec('ops.locked', ['lock {{what}}'], undefined, { immutableParameters: { who: 'bot' } }),
  spec('two.a', ['open {{ticket}} in {{project}}']),
  spec('two.b', ['open {{ticket}} for {{team}}']),
]);

describe('formatCuts', () => {
  it.each([
    ['restart {{service}} on {{env}}', ['restart {{service}} on', 'restart {{service}}', 'restart']],
    ['deploy {{app}} {{version}}', ['deploy {{app}}', 'deploy']],
    ['ping {{host}} count {{n=3}}', ['ping']],
    ['(show|sh) ip route {{net}}', []],
    ['{{service}} restart', []],
    ['status', []],
    ['^restart {{service}}$', []],
  ])('cuts %s', (format, cuts) => {
    expect(formatCuts(format).map((c) => c.format.source)).toEqual(cuts);
  });
});

describe('IndexedAliasMatcher.incomplete', () => {
  it.each([
    ['restart web', 'ops.restart', { service: 'web' }, ['env']],
    ['Restart WEB on', 'ops.restart', { service: 'WEB' }, ['env']],
    ['restart', 'ops.restart', {}, ['service', 'env']],
    ['restart "my web"', 'ops.restart', { service: 'my web' }, ['env']],
    ['deploy api', 'ops.deploy', { app: 'api' }, ['version']],
    ['ship api', 'ops.ship', { app: 'api' }, ['version']],
    ['ship api note=hot', 'ops.ship', { app: 'api', note: 'hot' }, ['version']],
    ['scale web', 'ops.scale', { app: 'web' }, ['count']],
    ['scale web to', 'ops.scale', { app: 'web' }, ['count']],
    ['status', 'ops.status', {}, ['id']],
    ['ping', 'net.ping', {}, ['host']],
  ])('asks about %s', (text, alias, given, missing) => {
    expect(matcher.incomplete(text)).toEqual({ kind: 'incomplete', alias, action: alias, format: expect.any(String), given, missing });
  });

  it.each([
    ['restart web on prod', 'matches in full'],
    ['status 42', 'matches in full'],
    ['ship api version=1.2', 'matches in full'],
    ['restart web in prod', 'a contradicting literal: "in" where "on" is'],
    ['reboot web', 'not the alias first word'],
    ['web restart', 'the first word is not the alias first word'],
    ['scale web to zero', 'a bad value already typed'],
    ['list -la', 'a shell value starting with "-"'],
    ['lock door who=me', 'an immutable parameter supplied'],
    ['open T-1', 'two aliases fit'],
    ['sh ip route', 'a format with regex syntax is never cut'],
    ['', 'nothing'],
  ])('asks nothing about %s (%s)', (text) => {
    expect(matcher.incomplete(text)).toBeUndefined();
  });

  it('considers only the aliases the caller may run', () => {
    expect(matcher.incomplete('restart web', { only: (id) => id !== 'ops.restart' })).toBeUndefined();
    expect(matcher.incomplete('open T-1', { only: ['two.a'] })?.missing).toEqual(['project']);
  });

  it('names every missing schema parameter on a whole match (invalid with missing)', () => {
    const r = matcher.match('ship api');
    expect(r).toMatchObject({ kind: 'invalid', parameter: 'version', missing: ['version'], error: 'missing required parameter: version' });
  });
});

describe('IndexedAliasMatcher.answer', () => {
  const restart = matcher.incomplete('restart web')!;

  it('completes the command as if typed in full', () => {
    expect(matcher.answer(restart, ' prod ')).toEqual({
      kind: 'complete',
      text: 'restart web on prod',
      result: {
        kind: 'matched',
        alias: 'ops.restart',
        action: 'ops.restart',
        format: 'restart {{service}} on {{env}}',
        params: { service: 'web', env: 'prod' },
      },
    });
  });

  it('refuses a value its schema refuses, saying what it takes', () => {
    expect(matcher.answer(restart, 'prodd')).toEqual({
      kind: 'refused',
      parameter: 'env',
      expected: 'one of staging, prod',
      error: 'bad value for env: expected one of staging, prod, got "prodd"',
    });
    expect(matcher.answer(restart, '   ')).toMatchObject({ kind: 'refused', expected: 'a value' });
    expect(matcher.answer(matcher.incomplete('scale web')!, '0')).toMatchObject({ kind: 'refused', expected: 'a value >= 1' });
    expect(matcher.answer(matcher.incomplete('list')!, '-rf')).toMatchObject({ kind: 'refused', parameter: 'path' });
  });

  it('asks the next missing parameter, then quotes values with blanks', () => {
    const first = matcher.answer(matcher.incomplete('restart')!, 'my web');
    expect(first).toMatchObject({ kind: 'next', state: { given: { service: 'my web' }, missing: ['env'] } });
    if (first.kind !== 'next') throw new Error('expected next');
    expect(matcher.answer(first.state, 'staging')).toMatchObject({
      kind: 'complete',
      text: 'restart "my web" on staging',
      result: { kind: 'matched', params: { service: 'my web', env: 'staging' } },
    });
  });

  it('completes schema parameters the format lacks as key=value extras', () => {
    expect(matcher.answer(matcher.incomplete('ship api note=hot')!, '1.2 rc')).toMatchObject({
      kind: 'complete',
      text: 'ship api note=hot version="1.2 rc"',
      result: { kind: 'matched', params: { app: 'api', version: '1.2 rc', note: 'hot' } },
    });
  });

  it('says the alias is gone when a reload removed it', () => {
    const { matcher: reloaded } = compileAliases([spec('ops.other', ['other'])]);
    expect(reloaded.answer(restart, 'prod')).toMatchObject({ kind: 'gone' });
  });
});

describe('completedText', () => {
  it('renders placeholders and extras', () => {
    expect(completedText('deploy {{app}}', { app: 'api', version: '1.2 rc' })).toBe('deploy api version="1.2 rc"');
    expect(completedText('say {{msg}}', { msg: 'he said "hi"' })).toBe(`say 'he said "hi"'`);
  });
});

/** The StackStorm corpus (test/fixtures/corpus/st2-aliases): data, read directly. */
function corpusSpecs(): AliasSpec[] {
  const out: AliasSpec[] = [];
  for (const pack of readdirSync(aliasCorpusDir, { withFileTypes: true })) {
    if (!pack.isDirectory() || pack.name === 'LICENSES') continue;
    for (const file of readdirSync(join(aliasCorpusDir, pack.name)).filter((f) => /\.ya?ml$/.test(f))) {
      let doc: { action_ref?: string; formats?: unknown[] } | undefined;
      try {
        doc = parse(readFileSync(join(aliasCorpusDir, pack.name, file), 'utf8')) as typeof doc;
      } catch {
        continue;
      }
      if (!doc || !Array.isArray(doc.formats)) continue;
      const formats = doc.formats.flatMap((f) =>
        typeof f === 'string' ? [f] : ((f as { representation?: string[] }).representation ?? []).filter((r) => typeof r === 'string'),
      );
      out.push(spec(`${pack.name}/${file}`, formats, undefined, { action: String(doc.action_ref) }));
    }
  }
  return out;
}

describe('incomplete commands (StackStorm corpus)', () => {
  const specs = corpusSpecs();
  const corpus = compileAliases(specs).matcher;
  const formats = specs.flatMap((s) => s.formats.map((f) => ({ id: s.id, format: f as string })));

  it('asks about a corpus alias given only its first words', () => {
    // `st2 {{action_ref}} ...`-style formats: pick a few simple ones from the corpus itself
    const asked = formats.filter(({ id, format }) => {
      const cut = formatCuts(format)[0];
      if (!cut) return false;
      const text = renderFormat(cut.format.source, {});
      return corpus.match(text).kind === 'none' && corpus.incomplete(text)?.alias === id;
    });
    expect(asked.length).toBeGreaterThan(20);
  });

  it('never asks about a corpus command that matches in full', () => {
    for (const { format } of formats) {
      const text = renderFormat(format, {});
      if (corpus.match(text).kind === 'matched') expect(corpus.incomplete(text), text).toBeUndefined();
    }
  });
});

describe('incomplete (properties)', () => {
  const LITERALS = ['restart', 'on', 'to', 'with', 'deploy', 'run', 'for'];
  const word = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/);
  const format = fc.array(fc.tuple(fc.constantFrom(...LITERALS), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 4 });

  it('never turns a text that matches in full into a question', () => {
    fc.assert(
      fc.property(format, fc.array(word, { minLength: 4, maxLength: 4 }), ([...parts], values) => {
        const f = parts.map(([lit, withParam, optional], i) => (withParam ? `${lit} {{p${i}${optional ? '=d' : ''}}}` : lit)).join(' ');
        const m = compileAliases([spec('x.y', [f])]).matcher;
        const given = Object.fromEntries(parts.map((_, i) => [`p${i}`, values[i]!]));
        const text = renderFormat(f, given);
        expect(m.match(text).kind).toBe('matched');
        expect(m.incomplete(text)).toBeUndefined();
        // and every cut of it is either a question about that alias or a whole match
        for (const cut of formatCuts(f)) {
          const partial = renderFormat(cut.format.source, given);
          const r = m.match(partial);
          if (r.kind !== 'matched') expect(m.incomplete(partial)?.alias).toBe('x.y');
          else expect(m.incomplete(partial)).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
