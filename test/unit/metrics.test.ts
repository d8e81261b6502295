import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.ts';

describe('createMetrics', () => {
  it('keeps one registry per instance', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.commandReceived('sms', 'queued');
    expect((await a.scrape()).body).toContain('switchboard_commands_total{source="sms",outcome="queued"} 1');
    expect((await b.scrape()).body).not.toContain('outcome="queued"');
  });

  it('counts retries and dead deliveries beside the outcome', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.deliveryOutcome('slack', 'retried');
    m.deliveryOutcome('slack', 'failed');
    m.fallbackQueued();
    const { body } = await m.scrape();
    expect(body).toContain('switchboard_deliveries_total{kind="slack",outcome="retried"} 1');
    expect(body).toContain('switchboard_delivery_retries_total{kind="slack"} 1');
    expect(body).toContain('switchboard_deliveries_dead_total{kind="slack"} 1');
    expect(body).toContain('switchboard_delivery_fallbacks_total 1');
  });

  it('reads queue depths at scrape time and survives an unreachable queue', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let waiting = 3;
    m.watchQueue('executions', { getJobCounts: async () => ({ waiting, active: 1, delayed: 0, failed: 2 }) });
    m.watchQueue('deliveries', { getJobCounts: () => Promise.reject(new Error('down')) });
    expect((await m.scrape()).body).toContain('switchboard_queue_jobs{queue="executions",state="waiting"} 3');
    waiting = 5;
    const { body } = await m.scrape();
    expect(body).toContain('switchboard_queue_jobs{queue="executions",state="waiting"} 5');
    expect(body).not.toContain('queue="deliveries"');
  });

  it('records reloads and the last result', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.configReload(false);
    expect((await m.scrape()).body).toContain('switchboard_config_last_reload_success 0');
    m.configReload(true);
    const { body } = await m.scrape();
    expect(body).toContain('switchboard_config_last_reload_success 1');
    expect(body).toContain('switchboard_config_reloads_total{result="failed"} 1');
  });
});
