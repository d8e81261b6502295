import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubSink } from '../../../src/providers/github/sink.ts';
import type { OutboundMessage, Sink } from '../../../src/sinks/sink.ts';
import { startGithubFake, type GithubFake } from '../../../src/providers/github/fake.ts';
import { fingerprintOf } from '../../../src/sinks/fingerprint.ts';
import { sampleMessage, sinkFailure, testDeps } from './helpers.ts';

describe('githubSink', () => {
  let gh: GithubFake;
  let deps: ReturnType<typeof testDeps>;
  const signal = () => new AbortController().signal;
  const make = (over: Record<string, unknown> = {}, d = deps): Sink =>
    githubSink.create(
      githubSink.settings.parse({ name: 'gh', kind: 'github', token: 'ghp_testtoken', repo: 'acme/ops', api_url: gh.url, labels: ['incident'], ...over }),
      d,
    );
  const failure = (over: Partial<OutboundMessage> = {}) =>
    sampleMessage({ execution: { id: 'e1', status: 'failed', action: 'ops.restart', alias: 'restart' }, ...over });
  const success = () =>
    sampleMessage({
      subject: 'ops.restart succeeded',
      text: 'back to normal',
      execution: { id: 'e9', status: 'succeeded', action: 'ops.restart', alias: 'restart' },
    });

  beforeEach(async () => {
    gh = await startGithubFake({ token: 'ghp_testtoken' });
    deps = testDeps();
  });
  afterEach(() => gh.close());

  it('opens an issue with the labels and a hidden fingerprint marker', async () => {
    const r = await make().send(failure(), signal());
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ number: 1, title: 'ops.restart failed', labels: ['incident'], state: 'open' });
    expect(gh.issues[0]?.body).toMatch(/<!-- switchboard-fingerprint:[0-9a-f]{16} -->/);
    expect(r.externalId).toBe('1');
  });

  it('comments on the open issue when the same fingerprint fires again', async () => {
    const sink = make();
    await sink.send(failure(), signal());
    await sink.send(failure({ text: 'failed again' }), signal());
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.comments).toHaveLength(1);
    expect(gh.issues[0]?.comments[0]?.body).toContain('failed again');
  });

  it('finds the issue by its marker when the state is empty (another worker, lost state)', async () => {
    await make().send(failure(), signal());
    await make({}, testDeps()).send(failure(), signal());
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.comments).toHaveLength(1);
  });

  it('never reuses an issue someone else opened with our marker copied into it (finding #21)', async () => {
    // with no labels, anyone who can open issues could plant the predictable marker
    await make({ labels: [] }).send(failure(), signal());
    const marker = /<!-- (switchboard-fingerprint:[^ ]+) -->/.exec(gh.issues[0]!.body)?.[1];
    expect(marker).toBeDefined();
    gh.issues.length = 0;
    gh.issues.push({
      number: 7,
      title: 'planted',
      body: `mine\n<!-- ${marker} -->`,
      state: 'open',
      state_reason: null,
      labels: [],
      comments: [],
      repo: 'acme/ops',
      author: 'mallory',
    });
    // lost state (another worker): the list finds only mallory's issue, which is not ours
    await make({ labels: [] }, testDeps()).send(failure(), signal());
    expect(gh.issues.find((i) => i.number === 7)?.comments).toEqual([]);
    expect(gh.issues.filter((i) => i.author === undefined)).toHaveLength(1);
    expect(gh.requests.some((r) => r.method === 'GET' && r.path === '/user')).toBe(true);
  });

  it('creates one issue for the same delivery sent twice', async () => {
    const sink = make();
    const m = failure();
    const a = await sink.send(m, signal());
    const b = await sink.send(m, signal());
    expect(b).toEqual(a);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.comments).toHaveLength(0);
  });

  it('creates one issue when a crash hit between create and recording it', async () => {
    const sink = make();
    const m = failure();
    await sink.send(m, signal());
    // the crash: the issue exists, but neither the fingerprint nor the outcome were recorded
    for (const [k] of deps.state.entries()) await deps.state.delete(k);
    await deps.state.set(`github:acme/ops:delivery:${m.id}`, 'pending');
    await sink.send(m, signal());
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]?.comments).toHaveLength(0);
  });

  it('asks to retry while another delivery of the same fingerprint is creating the issue', async () => {
    const m = failure();
    await deps.state.set(`github:acme/ops:lock:${fingerprintOf(m)}`, 'other-delivery');
    const err = await sinkFailure(make().send(m, signal()));
    expect([err.reason, err.retryable, err.retryAfterMs]).toEqual(['rate_limited', true, 2000]);
    expect(gh.issues).toHaveLength(0);
  });

  it('opens a new issue when the previous one was closed by hand', async () => {
    const sink = make();
    await sink.send(failure(), signal());
    gh.issues[0]!.state = 'closed';
    await sink.send(failure(), signal());
    expect(gh.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('closes the open issue of that action and alias on success, with close_on_success', async () => {
    const sink = make({ close_on_success: true });
    await sink.send(failure(), signal());
    await sink.send(failure({ execution: { id: 'e2', status: 'timeout', action: 'ops.restart', alias: 'restart' } }), signal());
    expect(gh.issues).toHaveLength(2);
    const r = await sink.send(success(), signal());
    expect(gh.issues.map((i) => [i.state, i.state_reason])).toEqual([
      ['closed', 'completed'],
      ['closed', 'completed'],
    ]);
    expect(gh.issues[0]?.comments.at(-1)?.body).toContain('back to normal');
    expect(r.externalId).toBe('1,2');
    expect(await sink.send(success(), signal())).toEqual({ skipped: 'no open issue to close' });
  });

  it('leaves issues of other actions open on success', async () => {
    const sink = make({ close_on_success: true });
    await sink.send(failure({ execution: { id: 'e3', status: 'failed', action: 'ops.deploy', alias: 'deploy' } }), signal());
    await sink.send(success(), signal());
    expect(gh.issues[0]?.state).toBe('open');
  });
});
