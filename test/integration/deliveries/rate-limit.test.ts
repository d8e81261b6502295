import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, waitFor, type World } from './harness.ts';

describe('per-channel rate limits', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
    await w.startDeliveryWorker();
  });
  afterEach(() => w.close());

  it('paces a channel to its rate_limit while other channels keep flowing', async () => {
    for (let i = 0; i < 4; i++) await w.deliveries.notify({ channels: ['slow'], message: `slow ${i}` });
    await w.deliveries.notify({ channels: ['hooks'], message: 'fast' });
    const targetOf = (i: number) => (w.hook.requests[i]!.parsed as { target?: string }).target;
    await waitFor(() => w.hook.delivered() === 5, 'all five deliveries');
    const slowAt = w.hook.times.filter((_, i) => targetOf(i) === 'slow');
    const fastIndex = w.hook.requests.findIndex((_, i) => targetOf(i) !== 'slow');
    // the unlimited channel did not wait behind the limited one
    expect(fastIndex).toBeLessThan(4);
    // 1 per second: four sends span at least three intervals (less a little clock skew between Redis and the fake)
    expect(slowAt[3]! - slowAt[0]!).toBeGreaterThanOrEqual(2900);
  });
});
