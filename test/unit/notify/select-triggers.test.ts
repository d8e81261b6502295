import { describe, expect, it } from 'vitest';
import { selectTriggers } from '../../../src/notify/index.ts';
import type { ExecutionStatus } from '../../../src/executions/types.ts';

describe('selectTriggers', () => {
  it.each<[ExecutionStatus, string[]]>([
    ['succeeded', ['on_success', 'on_complete']],
    ['failed', ['on_failure', 'on_complete']],
    ['timeout', ['on_failure', 'on_complete']],
    ['canceled', ['on_complete']],
    ['queued', []],
    ['running', []],
  ])('fires for %s: %j', (status, expected) => {
    expect(selectTriggers(status)).toEqual(expected);
  });
});
