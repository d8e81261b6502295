/**
 * One structured logger (pino) for the whole process, a child per component. Every secret value
 * of the loaded config is replaced by `[redacted]` in every line, whatever field it sits in.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level?: string;
  /** secret values to redact wherever they appear */
  secrets?: readonly string[];
  /** where lines go (default stdout); tests pass a stream to capture them */
  destination?: NodeJS.WritableStream;
}

/** Replaces every occurrence of any secret in `text` with `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * @example
 * const log = createLogger({ level: 'info', secrets: config.secrets }).child({ component: 'worker' });
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const secrets = (settings.secrets ?? []).filter((s) => s.length >= 4);
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const dest = settings.destination ?? process.stdout;
  if (secrets.length === 0) return pino(options, dest as pino.DestinationStream);
  const redacting = {
    write(line: string) {
      (dest as NodeJS.WritableStream).write(redactText(line, secrets));
    },
  };
  return pino(options, redacting as pino.DestinationStream);
}

/** A logger that writes nothing (unit tests, CLI commands that print their own output). */
export const silentLogger: Logger = pino({ level: 'silent' });
