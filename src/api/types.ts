/**
 * What the HTTP app is built from, and the per-request values its middleware sets.
 */
import type { CommandGate } from '../deliveries/command-gate.ts';
import type { Redis } from 'ioredis';
import type { AlertService } from '../alerts/service.ts';
import type { AliasMatcher } from '../aliases/index.ts';
import type { ApiKey } from '../auth/api-keys.ts';
import type { Principal } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import type { ConfirmationService } from '../confirmations/service.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import type { ExecutionService } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { RuntimeStatusSource } from '../runtime/status.ts';
import type { CommandSpool } from '../spool/spool.ts';
import type { Readiness } from './health.ts';

/** What the API needs of the alias engine's matcher: matching, and the aliases for help listings. */
export type AppMatcher = AliasMatcher;

/**
 * Everything `createApp` needs. An options object on purpose: later issues add ingress adapters,
 * a dashboard and metrics as new optional members.
 */
export interface AppDeps {
  config: Config;
  matcher: AppMatcher;
  executions: ExecutionService;
  logger: Logger;
  /** notifications (`POST /api/v1/notify`); absent = that route answers 503 */
  deliveries?: DeliveryService;
  /** the process's metrics: `GET /metrics`, and command outcomes counted by the API */
  metrics?: Metrics;
  /** `GET /readyz`; default: Redis answers */
  readiness?: () => Promise<Readiness>;
  /**
   * hot-reload status (`{ ok, loadedAt, attemptedAt?, error?, restartNeeded? }`, see
   * src/runtime/status.ts `ReloadStatus`): `GET /api/v1/config/status` and the dashboard's banner
   */
  runtime?: RuntimeStatusSource;
  /** confirmation by reply (`POST /api/v1/executions/:id/confirm`, the dashboard's Confirm); absent = those answer 503 */
  confirmations?: ConfirmationService;
  /** alerts (`/api/v1/alerts`, the dashboard's alert pages, `ACK 4821` sent as a command); absent = those answer 503 */
  alerts?: AlertService;
  /** the gateway's Redis connection, shared by the dashboard (queue health, Bull Board); absent = it opens its own on first use */
  redis?: Redis;
  /**
   * the dashboard's session secret when `server.session_secret` is not set (generated once into the
   * data folder, src/web/session-secret.ts); absent = a random one per process
   */
  sessionSecret?: () => string;
  /**
   * the local spool (`spool:`, src/spool/): `POST /api/v1/commands` keeps a command there while Redis
   * is away (202 `spooled`) and `GET /api/v1/executions/sp-…` follows it; absent = 503 as before
   */
  commandSpool?: CommandSpool;
  /** this process's command work (src/deliveries/command-gate.ts): `POST /api/v1/commands` is counted in it while handled; absent = not counted */
  commandGate?: CommandGate;
}

/** Hono environment of the `/api/v1` routes: the caller, set by the bearer-key middleware. */
export interface ApiEnv {
  Variables: {
    apiKey: ApiKey;
    /** the key's user, when configured */
    user: Principal | undefined;
  };
}
