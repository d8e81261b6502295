/** Prometheus Alertmanager alerts in. The I/O half, loaded once by the runtime (src/providers/runtimes.ts); no sink. */
import { alertIngress } from '../../alerts/ingress.ts';
import type { ProviderRuntime } from '../provider.ts';
import { parseAlertmanagerPayload } from './payload.ts';

export const runtime: ProviderRuntime = { http: [alertIngress('alertmanager', parseAlertmanagerPayload)] };
