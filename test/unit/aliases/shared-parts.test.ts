/**
 * What the formats of one table share instead of holding one copy each (a config of 10,000 aliases
 * holds tens of thousands of them): parameter lists, group numbers, word lists, and the index's
 * small buckets. Sharing must not change a single answer.
 */
import { describe, expect, it } from 'vitest';
import type { AliasSpec } from '../../../src/aliases/index.ts';
import { compileAliases } from '../../../src/aliases/index.ts';
import type { FormatEntry } from '../../../src/config/schema.ts';

const alias = (id: string, formats: FormatEntry[]): AliasSpec => ({ id, action: `act.${id}`, enabled: true, formats, immutableParameters: {} });

/** The compiled format of `source` in the matcher's table. */
function formatOf(matcher: ReturnType<typeof compileAliases>['matcher'], source: string) {
  const slot = matcher.table.slots.find((s) => s.format.source === source);
  if (!slot) throw new Error(`no slot for ${source}`);
  return slot.format;
}

describe('shared parts of a format table', () => {
  it('gives formats taking the same parameters one frozen list, and placeholders alike one frozen group list', () => {
    const { matcher } = compileAliases([
      alias('a', ['restart {{service}} on {{host}}']),
      alias('b', ['stop {{service}} on {{host}}']),
      alias('c', ['ping {{host}}']),
    ]);
    const restart = formatOf(matcher, 'restart {{service}} on {{host}}');
    const stop = formatOf(matcher, 'stop {{service}} on {{host}}');
    const ping = formatOf(matcher, 'ping {{host}}');
    expect(stop.params).toBe(restart.params);
    expect(Object.isFrozen(restart.params)).toBe(true);
    expect(Object.isFrozen(restart.params[0])).toBe(true);
    // `host` is the second placeholder of one and the first of the other: other groups, other lists
    expect(ping.params).not.toBe(restart.params);
    expect(ping.params[0]!.groups).toBe(restart.params[0]!.groups);
    expect(ping.params[0]!.groups).toEqual([1, 2, 3, 4]);
    expect(restart.params[1]!.groups).toEqual([5, 6, 7, 8]);
    // the shared lists still read each value
    expect(matcher.match('stop web on prod')).toMatchObject({ kind: 'matched', params: { service: 'web', host: 'prod' } });
    expect(matcher.match('ping db1')).toMatchObject({ kind: 'matched', params: { host: 'db1' } });
  });

  it('keeps one word list when every word of a format is indexed, two when one is not (a word touching a placeholder)', () => {
    const { matcher } = compileAliases([alias('a', ['restart {{service}} on {{host}}', 'release v{{version}} now'])]);
    const restart = formatOf(matcher, 'restart {{service}} on {{host}}');
    expect(restart.words).toBe(restart.indexWords);
    expect([...restart.words].sort()).toEqual(['on', 'restart']);
    const release = formatOf(matcher, 'release v{{version}} now');
    expect([...release.indexWords].sort()).toEqual(['now', 'release']);
    expect([...release.words].sort()).toEqual(['now', 'release', 'v']);
    expect(matcher.match('release v1.2 now')).toMatchObject({ kind: 'matched', params: { version: '1.2' } });
  });

  it('picks the most specific format through the word lists (more words, all of the other one among them)', () => {
    const { matcher } = compileAliases([alias('deploy', ['deploy {{app}}']), alias('deploy_to', ['deploy {{app}} to {{env}}'])]);
    expect(matcher.match('deploy api to prod')).toMatchObject({ kind: 'matched', alias: 'deploy_to', params: { app: 'api', env: 'prod' } });
    expect(matcher.match('deploy api')).toMatchObject({ kind: 'matched', alias: 'deploy', params: { app: 'api' } });
  });

  it('files a rarest word of one format as that format, of a few as a list in declaration order, and finds each', () => {
    const { matcher } = compileAliases([
      alias('solo', ['zap {{thing}}']),
      alias('beep1', ['beep {{x}}']),
      alias('beep2', ['beep {{x}} in {{y}}']),
      alias('boop', ['boop {{x}} in {{y}}']),
    ]);
    const index = matcher.table.index;
    expect(index.get('zap')).toBe(matcher.table.slots.find((s) => s.spec.id === 'solo'));
    const beep = index.get('beep');
    expect(Array.isArray(beep) && beep.map((s) => s.spec.id)).toEqual(['beep1', 'beep2']);
    expect(matcher.match('zap it')).toMatchObject({ kind: 'matched', alias: 'solo', params: { thing: 'it' } });
    expect(matcher.match('beep now')).toMatchObject({ kind: 'matched', alias: 'beep1', params: { x: 'now' } });
    // both match: the one with more words wins
    expect(matcher.match('beep now in lab')).toMatchObject({ kind: 'matched', alias: 'beep2', params: { x: 'now', y: 'lab' } });
  });

  it('files the formats of a word shared by many under a bucket split by their second word', () => {
    // 12 formats whose rarest word is `go` (the fillers make every other word of theirs commoner)
    const gos: AliasSpec[] = [];
    for (const a of ['a1', 'a2', 'a3', 'a4']) for (const b of ['b1', 'b2', 'b3']) gos.push(alias(`go_${a}_${b}`, [`go ${a} ${b} {{x}}`]));
    const fillers = Array.from({ length: 13 }, (_, i) => alias(`filler${i}`, [`filler${i} a1 a2 a3 a4 b1 b2 b3`]));
    const { matcher } = compileAliases([...gos, ...fillers]);
    const go = matcher.table.index.get('go');
    expect(go !== undefined && !Array.isArray(go) && !('format' in go)).toBe(true);
    for (const a of ['a1', 'a2', 'a3', 'a4']) {
      for (const b of ['b1', 'b2', 'b3'])
        expect(matcher.match(`go ${a} ${b} val`)).toMatchObject({ kind: 'matched', alias: `go_${a}_${b}`, params: { x: 'val' } });
    }
    expect(matcher.match('go a1 b4 val')).toMatchObject({ kind: 'none' });
    expect(matcher.match('filler3 a1 a2 a3 a4 b1 b2 b3')).toMatchObject({ kind: 'matched', alias: 'filler3' });
  });
});
