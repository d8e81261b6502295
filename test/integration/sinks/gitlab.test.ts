import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitlabSink } from '../../../src/providers/gitlab/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { startGitlabFake, type GitlabFake } from '../../../src/providers/gitlab/fake.ts';
import { sampleMessage, testDeps } from './helpers.ts';

describe('gitlabSink', () => {
  let gl: GitlabFake;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  const exec = (status: string) => ({ id: 'e1', status, action: 'ops.restart', alias: 'restart' });
  beforeEach(async () => {
    gl = await startGitlabFake({ token: 'glpat-test' });
    sink = gitlabSink.create(
      gitlabSink.settings.parse({
        name: 'gl',
        kind: 'gitlab',
        token: 'glpat-test',
        project: 'acme/ops',
        api_url: gl.apiUrl,
        labels: ['incident', 'ops'],
        close_on_success: true,
      }),
      testDeps(),
    );
  });
  afterEach(() => gl.close());

  it('opens one issue per fingerprint in the URL-encoded project and comments when it fires again', async () => {
    await sink.send(sampleMessage({ execution: exec('failed') }), signal());
    await sink.send(sampleMessage({ execution: exec('failed'), text: 'again' }), signal());
    expect(gl.issues).toHaveLength(1);
    expect(gl.issues[0]).toMatchObject({ project: 'acme/ops', labels: ['incident', 'ops'], state: 'opened' });
    expect(gl.issues[0]?.description).toContain('<!-- switchboard-fingerprint:');
    expect(gl.issues[0]?.notes.map((n) => n.body)).toEqual([expect.stringContaining('again')]);
    expect(gl.requests.some((r) => r.path === '/api/v4/projects/acme%2Fops/issues')).toBe(true);
  });

  it('closes the issue on success', async () => {
    await sink.send(sampleMessage({ execution: exec('failed') }), signal());
    await sink.send(sampleMessage({ execution: exec('succeeded'), text: 'fixed' }), signal());
    expect(gl.issues[0]?.state).toBe('closed');
  });
});
