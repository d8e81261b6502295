import { describe, expect, it } from 'vitest';
import type { MatchResult } from '../../../src/aliases/types.ts';
import { runCommand, type CommandInput, type CommandMatcher } from '../../../src/commands/run-command.ts';
import { ParameterError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import { buildConfig } from './fixture.ts';
import { createMemoryExecutions } from './memory-executions.ts';

const config = buildConfig();

/** A matcher that answers one fixed result (honouring `only`) and remembers the texts it saw. */
function fixedMatcher(result: MatchResult): CommandMatcher & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    match(text, opts) {
      seen.push(text);
      const alias = result.kind === 'matched' || result.kind === 'invalid' ? result.alias : undefined;
      const only = opts?.only;
      const hidden = alias !== undefined && only !== undefined && !(typeof only === 'function' ? only(alias) : only.includes(alias));
      return hidden ? { kind: 'none', suggestions: [] } : result;
    },
  };
}

const input = (over: Partial<CommandInput> = {}): CommandInput => ({
  text: 'restart web',
  source: 'api',
  user: 'alice',
  origin: { source: 'api', sender: 'test' },
  ...over,
});

const restart: MatchResult = { kind: 'matched', alias: 'ops.restart', action: 'ops.restart', format: 'restart {{service}}', params: { service: 'web' } };

describe('runCommand', () => {
  it('queues the match as the user, with the normalised text', async () => {
    const executions = createMemoryExecutions();
    const matcher = fixedMatcher(restart);
    const out = await runCommand({ config, matcher, executions, logger: silentLogger }, input({ text: '@sb restart web\r\n', source: 'slack' }));
    expect(out).toMatchObject({ kind: 'queued', alias: 'ops.restart', created: true, text: 'restart web' });
    expect(matcher.seen[0]).toBe('restart web');
    expect(executions.records[0]).toMatchObject({ user: 'alice', action: 'ops.restart', params: { service: 'web' }, text: 'restart web' });
  });

  it('runs nothing for an unknown user and does not even match', async () => {
    const executions = createMemoryExecutions();
    const matcher = fixedMatcher(restart);
    for (const user of [undefined, 'mallory']) {
      const out = await runCommand({ config, matcher, executions, logger: silentLogger }, input({ user }));
      expect(out.kind).toBe('unknown_user');
    }
    expect(matcher.seen).toEqual([]);
    expect(executions.records).toEqual([]);
  });

  it('checks the roles of the person, not the sender address', async () => {
    const executions = createMemoryExecutions();
    const out = await runCommand(
      { config, matcher: fixedMatcher(restart), executions, logger: silentLogger },
      input({ user: 'bob', origin: { source: 'slack', sender: 'alice' } }),
    );
    expect(out).toMatchObject({ kind: 'forbidden', alias: 'ops.restart' });
    expect(executions.records).toEqual([]);
  });

  it.each([
    [{ kind: 'none', suggestions: ['restart {{service}}'] } as MatchResult, { kind: 'none', suggestions: ['restart {{service}}'] }],
    [{ kind: 'ambiguous', candidates: [{ alias: 'a', format: 'x' }] } as MatchResult, { kind: 'ambiguous', candidates: [{ alias: 'a', format: 'x' }] }],
    [
      { kind: 'invalid', alias: 'test.count', parameter: 'count', error: 'bad count' } as MatchResult,
      { kind: 'invalid', alias: 'test.count', parameter: 'count', error: 'bad count' },
    ],
  ])('passes a %j match through and queues nothing', async (result, expected) => {
    const executions = createMemoryExecutions();
    const out = await runCommand({ config, matcher: fixedMatcher(result), executions, logger: silentLogger }, input());
    expect(out).toMatchObject(expected);
    expect(executions.records).toEqual([]);
  });

  it('queues one execution per match_multiple hit, each with its own idempotency key', async () => {
    const executions = createMemoryExecutions();
    const multi: MatchResult = { ...restart, multiple: [{ service: 'web' }, { service: 'api' }] } as MatchResult;
    const deps = { config, matcher: fixedMatcher(multi), executions, logger: silentLogger };
    const first = await runCommand(deps, input({ idempotencyKey: 'm-1' }));
    const again = await runCommand(deps, input({ idempotencyKey: 'm-1' }));
    expect(first.kind === 'queued' && first.executions.map((s) => s.execution.params)).toEqual([{ service: 'web' }, { service: 'api' }]);
    expect(again.kind === 'queued' && again.executions.map((s) => s.created)).toEqual([false, false]);
    expect(executions.records).toHaveLength(2);
  });

  it('turns a ParameterError from the queue into an invalid outcome naming the parameter', async () => {
    const executions = createMemoryExecutions();
    executions.submit = async () => {
      throw new ParameterError('service', 'db', 'one of web, api');
    };
    const out = await runCommand({ config, matcher: fixedMatcher(restart), executions, logger: silentLogger }, input());
    expect(out).toMatchObject({ kind: 'invalid', parameter: 'service', alias: 'ops.restart' });
  });
});
