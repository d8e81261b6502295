/**
 * Every one of the 231 real StackStorm alias files in the vendored corpus (test/fixtures/corpus)
 * loads unchanged, with its action metadata, under strict keys (every key real packs use is known);
 * the known-broken ones get exactly the diagnostics they deserve: duo enroll_status's key typos are
 * errors, as StackStorm's own schema (`additionalProperties: false`) refuses them too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, inspectConfig } from '../../../src/config/index.ts';
import type { Config, Diagnostic } from '../../../src/config/types.ts';
import { buildCorpusDirs, type CorpusAlias } from './corpus-dirs.ts';

let aliases: CorpusAlias[];
let stubs: string[];
const loaded = new Map<string, { config: Config; diagnostics: Diagnostic[] }>();

beforeAll(async () => {
  const built = await buildCorpusDirs();
  aliases = built.aliases;
  stubs = built.stubs;
  for (const dir of built.dirs) loaded.set(dir, await inspectConfig(dir, { env: {} }));
});

const all = () => [...loaded.values()].flatMap((l) => l.diagnostics);
/** the corpus's one alias file with misspelt keys (`formations`, `formaat`) */
const typoAlias = 'duo/enroll_status.yaml';
const of = (file: string) =>
  all()
    .filter((d) => d.file === file)
    .map(formatDiagnostic);

describe('StackStorm alias corpus', () => {
  it('has 231 alias files, 18 of them without action metadata', () => {
    expect(aliases).toHaveLength(231);
    expect(new Set(aliases.map((a) => a.corpusPath)).size).toBe(231);
    expect(stubs).toHaveLength(18);
  });

  it('loads every alias with its PACK.name id, but the one with key typos', () => {
    for (const alias of aliases.filter((a) => a.corpusPath !== typoAlias)) {
      const config = loaded.get(alias.dir)?.config;
      const found = config?.aliases.find((a) => a.file === `aliases/${alias.corpusPath}`);
      expect(found?.id, alias.corpusPath).toBe(alias.expectedId);
      expect(found?.action_ref, alias.corpusPath).toBe(alias.actionRef);
    }
  });

  it('finds the action of every alias', () => {
    const undefinedAction = all().filter((d) => d.message.startsWith('undefined action'));
    expect(undefinedAction.map(formatDiagnostic)).toEqual([]);
  });

  it('reports the repeated placeholders of vyatta cfg_ebgp and cfg_interface and the key typos of duo enroll_status as the only errors', () => {
    const errors = all()
      .filter((d) => d.severity === 'error')
      .map(formatDiagnostic);
    expect(errors.sort()).toEqual([
      'aliases/duo/enroll_status.yaml:13:3  result.formaat: unknown key "formaat" (did you mean "format"?)',
      'aliases/duo/enroll_status.yaml:6:1  formations: unknown key "formations" (did you mean "formats"?)',
      'aliases/vyatta/cfg_ebgp.yaml:6:5  formats.0: parameter "eastDeviceIP" appears more than once in the format',
      'aliases/vyatta/cfg_interface.yaml:6:5  formats.0: parameter "intfType" appears more than once in the format',
    ]);
  });

  it('reports the formations and formaat typos of duo enroll_status as errors with the key to write', () => {
    expect(of(`aliases/${typoAlias}`)).toEqual([
      'aliases/duo/enroll_status.yaml:6:1  formations: unknown key "formations" (did you mean "formats"?)',
      'aliases/duo/enroll_status.yaml:13:3  result.formaat: unknown key "formaat" (did you mean "format"?)',
    ]);
  });

  it('knows every key the corpus aliases and action metadata use: no other unknown key', () => {
    const unknown = all().filter((d) => d.message.startsWith('unknown key') && d.file !== `aliases/${typoAlias}`);
    expect(unknown.map(formatDiagnostic)).toEqual([]);
  });

  it('keeps disabled aliases loaded but disabled', () => {
    const bolt = [...loaded.values()].flatMap((l) => l.config.aliases).filter((a) => a.id.startsWith('bolt.'));
    expect(bolt).toHaveLength(6);
    expect(bolt.every((a) => !a.enabled)).toBe(true);
  });

  it('loads StackStorm action metadata with a warning that its runner cannot run here', () => {
    const runner = all().filter((d) => d.path === 'runner_type');
    expect(runner.length).toBeGreaterThan(150);
    expect(runner.every((d) => d.severity === 'warning' && /^StackStorm runner "[\w-]+" cannot run here;/.test(d.message))).toBe(true);
    expect(of('actions/alertlogic/scan_list_scan_executions.yaml')).toEqual([
      'actions/alertlogic/scan_list_scan_executions.yaml:19:14  runner_type: warning: StackStorm runner "python-script" cannot run here; set runner: shell | http | module | builtin',
    ]);
  });

  it('treats StackStorm Jinja that nunjucks cannot parse as a warning only', () => {
    const templates = all().filter((d) => d.message.startsWith('template does not compile'));
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.every((d) => d.severity === 'warning' && /^(ack|result)\./.test(d.path))).toBe(true);
  });
});
