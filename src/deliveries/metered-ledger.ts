/**
 * A {@link Ledger} that also counts each delivery outcome in Prometheus metrics, by channel kind:
 * the ledger is where every outcome of the delivery worker is recorded, so wrapping it counts them
 * all without touching the send path.
 */
import type { Metrics } from '../metrics.ts';
import type { Ledger } from './ledger.ts';

/** @example const ledger = meteredLedger(createLedger(conn, keys), metrics, (name) => config.channels.get(name)?.kind); */
export function meteredLedger(
  ledger: Ledger,
  metrics: Pick<Metrics, 'deliveryOutcome' | 'fallbackQueued'>,
  kindOf: (channel: string) => string | undefined,
): Ledger {
  return {
    ...ledger,
    async update(executionId, entry, counter) {
      await ledger.update(executionId, entry, counter);
      if (counter === 'sent' || counter === 'failed' || counter === 'skipped' || counter === 'retried') {
        metrics.deliveryOutcome(kindOf(entry.channel) ?? 'unknown', counter);
      }
    },
    async count(counter) {
      await ledger.count(counter);
      if (counter === 'fallback') metrics.fallbackQueued();
    },
  };
}
