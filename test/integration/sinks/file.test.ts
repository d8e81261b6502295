import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSink, type OutboxLine } from '../../../src/providers/file/sink.ts';
import { sampleMessage, testDeps } from './helpers.ts';

describe('fileSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (path: string) =>
    readFileSync(join(dir, path), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OutboxLine);

  it('appends one JSON line per delivery to a path relative to the config folder', async () => {
    const sink = fileSink.create(fileSink.settings.parse({ name: 'outbox', kind: 'file' }), testDeps({ configDir: dir }));
    const a = sampleMessage({ target: 'x' });
    const b = sampleMessage({ replyTo: { channel: 'C1' } });
    await sink.send(a, new AbortController().signal);
    await sink.send(b, new AbortController().signal);
    const got = lines('outbox/deliveries.jsonl');
    expect(got.map((l) => l.id)).toEqual([a.id, b.id]);
    expect(got[0]).toMatchObject({ subject: a.subject, text: a.text, target: 'x', execution: a.execution });
    expect(got[1]?.reply_to).toEqual({ channel: 'C1' });
  });

  it('keeps every line whole when many deliveries are written at once', async () => {
    const sink = fileSink.create(fileSink.settings.parse({ name: 'outbox', kind: 'file', path: 'out.jsonl' }), testDeps({ configDir: dir }));
    const msgs = Array.from({ length: 50 }, () => sampleMessage({ text: 'x'.repeat(5000) }));
    await Promise.all(msgs.map((m) => sink.send(m, new AbortController().signal)));
    expect(
      lines('out.jsonl')
        .map((l) => l.id)
        .sort(),
    ).toEqual(msgs.map((m) => m.id).sort());
  });
});
