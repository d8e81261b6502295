/**
 * The ingress contract: each provider's inbound half (src/providers/NAME/), listed by its runtime.ts;
 * src/ingress/index.ts derives the lists from the provider registry (src/providers/index.ts). An HTTP ingress contributes routes mounted under `/ingress`; a listener
 * ingress (the SMTP server, Slack Socket Mode) is started and stopped with the gateway.
 * Every ingress: verify the request, identify the sender (src/auth/identity.ts), rate-limit per
 * sender (src/auth/rate-limit.ts), run the shared pipeline (`runCommand`), answer in its medium.
 * The Redis-backed steps around the command (dedup claims, seen ids, rate limits) go through
 * `redisAway(deps)` (redis-away.ts), so with a spool (src/spool/) every ingress keeps commands while
 * Redis is away with no spool code of its own; answers sent through `deps.deliveries.replyToOrigin`
 * then go out directly (src/spool/direct-reply.ts).
 */
import type { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { AlertService } from '../alerts/service.ts';
import type { AliasMatcher } from '../aliases/types.ts';
import type { CommandInput, CommandOutcome } from '../commands/run-command.ts';
import type { Config } from '../config/types.ts';
import type { ConfirmationService } from '../confirmations/service.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import type { ExecutionService } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export interface IngressDeps {
  config: Config;
  matcher: AliasMatcher;
  executions: ExecutionService;
  deliveries: DeliveryService;
  logger: Logger;
  /** a fail-fast Redis connection for dedup keys, rate limits and opt-out state */
  redis: Redis;
  /** the shared pipeline (src/commands/run-command.ts) bound to this gateway's deps */
  runCommand(input: CommandInput): Promise<CommandOutcome>;
  /** confirmation by reply: Slack's Confirm / Cancel buttons (the pipeline handles text replies itself) */
  confirmations?: ConfirmationService;
  /** alerts in (`/ingress/alertmanager/:channel`, `/ingress/grafana/:channel`) and Slack's ACK button; absent = those answer 503 */
  alerts?: AlertService;
  /** counts refusals the pipeline never sees (rate limits); absent = not counted */
  metrics?: Pick<Metrics, 'commandReceived'>;
  /** clock in milliseconds (signature replay windows); tests inject one */
  now(): number;
}

export interface HttpIngress {
  name: string;
  /** routes relative to `/ingress`, e.g. `/twilio/sms` */
  routes(deps: IngressDeps): Hono;
}

export interface ListenerIngress {
  name: string;
  /** starts when the config enables it; returns undefined when it has nothing to do */
  start(deps: IngressDeps): Promise<{ stop(): Promise<void> } | undefined>;
}
