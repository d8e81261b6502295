/**
 * Typed errors. Each has a string `code`; they are translated to statuses and replies only at the
 * edges (the HTTP app's onError, the workers, the CLI).
 */
export abstract class SwitchboardError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** The config folder has problems; `diagnostics` lists every one. */
export class ConfigError extends SwitchboardError {
  readonly code = 'config_invalid';
  constructor(
    message: string,
    readonly diagnostics: readonly { file: string; line: number; col: number; path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** A parameter value does not fit the action's schema. */
export class ParameterError extends SwitchboardError {
  readonly code = 'bad_parameter';
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`bad value for ${parameter}: expected ${expected}, got ${JSON.stringify(value)}`);
  }
}

/** The caller may not do this (alias `allow` roles, API key scope). */
export class ForbiddenError extends SwitchboardError {
  readonly code = 'forbidden';
}

/** Missing or wrong credentials. */
export class AuthError extends SwitchboardError {
  readonly code = 'unauthorized';
}

export class NotFoundError extends SwitchboardError {
  readonly code = 'not_found';
}

/** An action failed in a way that is its own fault (bad exit code, HTTP error...). */
export class ActionError extends SwitchboardError {
  readonly code = 'action_failed';
}

/** Redis (the queue) cannot be reached. */
export class UnavailableError extends SwitchboardError {
  readonly code = 'unavailable';
}
