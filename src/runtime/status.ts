/**
 * What the running config is and how the last reload went: read by `GET /api/v1/config/status`
 * and the dashboard's banner (`AppDeps.runtime.status()`).
 */
export interface ReloadStatus {
  /** false when the last reload attempt was refused (bad config, or a change that needs a restart) */
  ok: boolean;
  /** when the config now serving was loaded (ISO 8601) */
  loadedAt: string;
  /** when the last reload was attempted (ISO 8601); absent before the first */
  attemptedAt?: string;
  /** why the last attempt was refused: one `file:line:col  path: message` per diagnostic, or restart reasons */
  error?: string[];
  /** true when the refused change needs a restart (redis, server port/host, listener ports) */
  restartNeeded?: boolean;
}

/** What the HTTP app (API, dashboard) reads of the hot-reload machinery. */
export interface RuntimeStatusSource {
  status(): ReloadStatus;
}
