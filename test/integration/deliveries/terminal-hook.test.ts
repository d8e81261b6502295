import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { harness, type Harness } from '../executions/setup.ts';
import { waitFor } from '../executions/helpers.ts';

describe('startExecutionWorker onTerminal', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('retries a hook that fails (enqueueing the notifications) instead of losing them', async () => {
    h = harness([]);
    const calls: string[] = [];
    await h.startWorker({
      logger: silentLogger,
      hooks: {
        onTerminal: async (e) => {
          calls.push(e.id);
          if (calls.length === 1) throw new Error('Redis is not reachable');
        },
      },
    });
    const { execution } = await h.service.submit({ action: 'core.noop', params: {} });
    await waitFor(() => calls.length === 2, 'the retried hook');
    expect(calls).toEqual([execution.id, execution.id]);
  });
});
