/**
 * What makes loading thousands of aliases cheap must not change what a load reports: files read
 * ahead keep their order and their errors, a template repeated in many files is reported in each,
 * `${VAR}` written as a YAML escape is still expanded, and the matcher built after a load (reusing
 * the load's compiled formats) matches as a fresh one does, regex formats included.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { readAhead, THREAD_MIN } from '../../../src/config/read-ahead.ts';
import { formatDiagnostic, loadConfig, toAliasSpecs } from '../../../src/config/index.ts';
import { writeConfig } from './temp-config.ts';

const base = {
  'switchboard.yaml': 'server: { port: 8080 }\n',
  'channels/log.yaml': 'name: log\nkind: log\n',
};

function many(n: number): Record<string, string> {
  const files: Record<string, string> = { ...base };
  for (let i = 0; i < n; i++) {
    files[`actions/ops/a${i}.yaml`] = `name: a${i}\nrunner: shell\ncommand: [echo, "{{ host }}"]\nparameters:\n  host: { type: string }\n`;
    files[`aliases/ops/a${i}.yaml`] = `name: a${i}\naction_ref: ops.a${i}\nformats:\n  - "(show|sh) item${i} on {{host}}"\n  - "check item${i} {{host}}"\n`;
  }
  return files;
}

describe('loading many files', () => {
  it('loads 300 aliases and actions in file order, and their matcher matches plain and regex formats', async () => {
    const dir = await writeConfig(many(300));
    const { config, diagnostics } = await loadConfig(dir, { env: {}, overlaps: false });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const files = config?.aliases.map((a) => a.file) ?? [];
    expect(files).toHaveLength(300);
    expect(files).toEqual([...files].sort());
    const { matcher } = compileAliases(toAliasSpecs(config!));
    expect(matcher.match('sh item217 on web-1')).toMatchObject({ kind: 'matched', alias: 'ops.a217', params: { host: 'web-1' } });
    expect(matcher.match('show item3 on "db 2"')).toMatchObject({ kind: 'matched', alias: 'ops.a3', params: { host: 'db 2' } });
    expect(matcher.match('check item299 api')).toMatchObject({ kind: 'matched', alias: 'ops.a299', params: { host: 'api' } });
    // a fresh engine (nothing reused) gives the same answers
    const fresh = compileAliases(toAliasSpecs(config!)).matcher;
    expect(fresh.match('sh item217 on web-1')).toEqual(matcher.match('sh item217 on web-1'));
  });

  it('reports a broken template repeated in several files once in each file', async () => {
    const files: Record<string, string> = { ...base };
    for (const i of [1, 2, 3]) {
      files[`actions/t${i}.yaml`] = `name: t${i}\nrunner: builtin\nbuiltin: noop\nnotify:\n  on_failure: { message: "{{ action failed", channels: [log] }\n`;
    }
    const dir = await writeConfig(files);
    const { diagnostics } = await loadConfig(dir, { env: {} });
    const templates = diagnostics.filter((d) => d.message.startsWith('template does not compile')).map((d) => `${d.file}:${d.line}:${d.col}`);
    expect(templates).toEqual(['actions/t1.yaml:5:26', 'actions/t2.yaml:5:26', 'actions/t3.yaml:5:26']);
  });

  it('expands ${VAR} written with a YAML escape (\\x24), as it expands one written plainly', async () => {
    const dir = await writeConfig({
      ...base,
      'actions/e.yaml': 'name: e\nrunner: shell\ncommand: [echo, "\\x24{WHO}", "${WHO}"]\n',
    });
    const { config, diagnostics } = await loadConfig(dir, { env: { WHO: 'ops-team' } });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(config?.actions.get('e')?.command).toEqual(['echo', 'ops-team', 'ops-team']);
  });

  it('reports a missing variable behind a YAML escape at its position', async () => {
    const dir = await writeConfig({ ...base, 'actions/e.yaml': 'name: e\nrunner: shell\ncommand: [echo, "\\x24{NOPE}"]\n' });
    const { diagnostics } = await loadConfig(dir, { env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'actions/e.yaml:3:17  command.1: environment variable NOPE is not set (write ${NOPE:-default} for a default)',
    ]);
  });
});

describe.each([
  { reader: 'main-thread', thread: false },
  { reader: 'thread', thread: true },
])('readAhead ($reader)', ({ thread }) => {
  it('gives each file its text, and a read error to whoever awaits that file only', async () => {
    const dir = await writeConfig({ 'a.yaml': 'a: 1\n', 'c.yaml': 'c: 3\n' });
    const files = ['a.yaml', 'missing.yaml', 'c.yaml'].map((rel) => ({ rel, abs: join(dir, rel) }));
    const text = readAhead(files, { batch: 2, thread });
    expect(await text(0)).toBe('a: 1\n');
    await expect(text(1)).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open', path: join(dir, 'missing.yaml') });
    expect(await text(2)).toBe('c: 3\n');
    text.close();
    // a failed read nobody awaits is not an unhandled rejection (vitest would fail the run)
    const other = readAhead(files, { batch: 3, thread });
    other(0);
    await new Promise((r) => setTimeout(r, 50));
    other.close();
  });

  it('lets the event loop run between batches (a reload of a large folder does not hold it)', async () => {
    const dir = await writeConfig(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.yaml`, `n: ${i}\n`])));
    const files = Array.from({ length: 6 }, (_, i) => ({ rel: `f${i}.yaml`, abs: join(dir, `f${i}.yaml`) }));
    const text = readAhead(files, { batch: 2, thread });
    const ticks: number[] = [];
    let reads = 0;
    const tick = () => {
      ticks.push(reads);
      if (reads < files.length) setImmediate(tick);
    };
    setImmediate(tick);
    for (let i = 0; i < files.length; i++) {
      expect(await text(i)).toBe(`n: ${i}\n`);
      reads++;
    }
    text.close();
    // other callbacks ran while the six files were read in three batches, not only after the last
    expect(ticks.some((r) => r > 0 && r < files.length)).toBe(true);
  });

  it('decodes as readFileSync does: UTF-8 with its byte-order mark kept, malformed bytes as U+FFFD, an empty file empty', async () => {
    const dir = await writeConfig({});
    const bytes = [Buffer.from('\ufeffname: café ☕\n'), Buffer.from([0x6e, 0x3a, 0x20, 0xff, 0xc3, 0x0a]), Buffer.alloc(0)];
    const files = bytes.map((b, i) => {
      const abs = join(dir, `f${i}.yaml`);
      writeFileSync(abs, b);
      return { rel: `f${i}.yaml`, abs };
    });
    const text = readAhead(files, { thread });
    for (const [i, f] of files.entries()) expect(await text(i)).toBe(readFileSync(f.abs, 'utf8'));
    text.close();
  });

  it('reads a long list in order past its read-ahead window, a file asked again is read again, and close() stops it', async () => {
    const n = 1500;
    const dir = await writeConfig({});
    const files = Array.from({ length: n }, (_, i) => {
      const abs = join(dir, `f${i}.yaml`);
      writeFileSync(abs, `n: ${i}\n`);
      return { rel: `f${i}.yaml`, abs };
    });
    const text = readAhead(files, { batch: 64, thread });
    for (let i = 0; i < n; i++) expect(await text(i)).toBe(`n: ${i}\n`);
    // handed out once: asked again, it is read from the file (here changed since)
    writeFileSync(files[7]!.abs, 'changed: true\n');
    expect(await text(7)).toBe('changed: true\n');
    text.close();
    // after close() a text is still given (read here)
    expect(await text(9)).toBe('n: 9\n');
  });
});

describe('readAhead defaults', () => {
  it('reads a list of THREAD_MIN files or more on a thread, a shorter one on the main thread', async () => {
    const dir = await writeConfig({ 'a.yaml': 'a: 1\n' });
    const file = { rel: 'a.yaml', abs: join(dir, 'a.yaml') };
    const small = readAhead(Array.from({ length: THREAD_MIN - 1 }, () => file));
    expect(small.thread).toBe(false);
    expect(await small(THREAD_MIN - 2)).toBe('a: 1\n');
    small.close();
    const large = readAhead(Array.from({ length: THREAD_MIN }, () => file));
    expect(large.thread).toBe(true);
    expect(await large(THREAD_MIN - 1)).toBe('a: 1\n');
    large.close();
  });
});
