/**
 * The ingresses: the `http` and `listeners` of each provider's runtime (src/providers/index.ts, one
 * line per provider) once src/providers/runtimes.ts has loaded it (the config's kinds; a request
 * under `/ingress` that none of them answers loads the rest: src/runtime/generation.ts). HTTP
 * ingresses are mounted under `/ingress`; listeners start with the gateway.
 */
import type { HttpIngress, ListenerIngress } from './ingress.ts';
import { providerHttpIngresses, providerListenerIngresses } from '../providers/runtimes.ts';

export const httpIngresses: HttpIngress[] = providerHttpIngresses;

export const listenerIngresses: ListenerIngress[] = providerListenerIngresses;

export type { HttpIngress, IngressDeps, ListenerIngress } from './ingress.ts';
