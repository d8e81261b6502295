/**
 * Every ingress: the `http` and `listeners` of each provider's runtime (src/providers/index.ts, one
 * line per provider), loaded once by src/providers/runtimes.ts. HTTP ingresses are mounted under
 * `/ingress`; listeners start with the gateway.
 */
import type { HttpIngress, ListenerIngress } from './ingress.ts';
import { providerHttpIngresses, providerListenerIngresses } from '../providers/runtimes.ts';

export const httpIngresses: HttpIngress[] = providerHttpIngresses;

export const listenerIngresses: ListenerIngress[] = providerListenerIngresses;

export type { HttpIngress, IngressDeps, ListenerIngress } from './ingress.ts';
