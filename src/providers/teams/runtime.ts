/** Microsoft Teams: the outgoing webhook in; Workflows / incoming webhook cards out. The I/O half, loaded once by the runtime (src/providers/runtimes.ts). */
import type { ProviderRuntime } from '../provider.ts';
import { teamsIngress } from './ingress.ts';
import { teamsSink } from './sink.ts';

export const runtime: ProviderRuntime = { sink: teamsSink, http: [teamsIngress] };
