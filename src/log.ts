/**
 * One structured logger (pino) for the whole process, a child per component
 * (`logger.child({ component: 'worker' })`). Every line passes one scrubbing step before it is
 * written (see {@link scrubLine}):
 * 1. every secret value of the loaded config (the schema's secret marks) becomes `[redacted]`, also
 *    in its JSON-escaped forms (a secret holding `"` or `\` is escaped in the serialized line);
 * 2. phone numbers (E.164, `+` and 8 to 15 digits) become `+1555***0001`;
 * 3. email addresses become `a***@example.com`;
 * 4. a `component` bound twice (a child of a child) is written once: the innermost wins.
 * The step works on the serialized line, so it covers every field and the message, whatever logged it.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level?: string;
  /** secret values to redact wherever they appear; a function is read per line (hot reload): it returns a new array when the list changes (each array is compiled once) */
  secrets?: readonly string[] | (() => readonly string[]);
  /** where lines go (default stdout); tests pass a stream to capture them */
  destination?: NodeJS.WritableStream;
  /** mask phone numbers and email addresses (default true) */
  maskAddresses?: boolean;
}

/** Secrets shorter than this are not redacted (they would mangle ordinary words). */
const MIN_SECRET = 4;

/**
 * A secret as it appears in text: as is, JSON-escaped (a log line, a record: `"` -> `\"`, `\` ->
 * `\\`, control characters), and JSON-escaped twice (JSON inside a JSON string), longest first.
 */
function forms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  if (once === secret) return [secret];
  const twice = JSON.stringify(once).slice(1, -1);
  return [twice, once, secret];
}

/**
 * The forms of every secret of a list long enough to redact, longest form of each first: computed
 * once per list (a config's secrets are one array until a reload replaces it), not on every string.
 */
const formsOfList = new WeakMap<readonly string[], readonly string[]>();

function formsOf(secrets: readonly string[]): readonly string[] {
  let all = formsOfList.get(secrets);
  if (!all) {
    all = secrets.filter((s) => s.length >= MIN_SECRET).flatMap(forms);
    formsOfList.set(secrets, all);
  }
  return all;
}

/** Replaces every occurrence of any secret (in any of its escaped forms) in `text` with `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const f of formsOf(secrets)) if (out.includes(f)) out = out.split(f).join('[redacted]');
  return out;
}

/** {@link redactText} over every string inside a JSON-like value (records, job data). */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  }
  return value;
}

// an E.164 number not glued to other digits or word characters
const PHONE = /(?<![\w+])\+(\d{8,15})(?!\d)/g;
// long numbers keep 4 digits at each end (`+1555***0001`), shorter ones 2: never more than half
const maskPhone = (_: string, d: string) => (d.length >= 11 ? `+${d.slice(0, 4)}***${d.slice(-4)}` : `+${d.slice(0, 2)}***${d.slice(-2)}`);
// local part of the usual characters (never `*`, so a masked address is left alone), then a domain
const EMAIL = /(?<![\w.%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;

/**
 * Masks phone numbers and email addresses in `text`.
 *
 * @example
 * maskContacts('from +15551230001 <alice@example.com>') // 'from +1555***0001 <a***@example.com>'
 */
export function maskContacts(text: string): string {
  let out = text;
  if (out.includes('+')) out = out.replace(PHONE, maskPhone);
  if (out.includes('@')) out = out.replace(EMAIL, '$1***@$2');
  return out;
}

const COMPONENT = '"component":';

/** Drops all but the last `"component":"…"` of a JSON line (pino repeats a key bound by a child of a child). */
export function dedupeComponent(line: string): string {
  let first = line.indexOf(COMPONENT);
  if (first === -1 || line.indexOf(COMPONENT, first + 1) === -1) return line;
  let out = line;
  while ((first = out.indexOf(COMPONENT)) !== -1 && out.indexOf(COMPONENT, first + 1) !== -1) {
    const m = /^"component":"(?:[^"\\]|\\.)*",?/.exec(out.slice(first));
    if (!m) break;
    out = out.slice(0, first) + out.slice(first + m[0].length);
  }
  return out;
}

/** The whole scrubbing step of one serialized line (exported for tests and benchmarks). */
export function scrubLine(line: string, secrets: readonly string[], maskAddresses = true): string {
  let out = secrets.length ? redactText(line, secrets) : line;
  if (maskAddresses) out = maskContacts(out);
  return dedupeComponent(out);
}

/**
 * @example
 * const log = createLogger({ level: 'info', secrets: config.secrets }).child({ component: 'worker' });
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const secretsOf = typeof settings.secrets === 'function' ? settings.secrets : () => (settings.secrets as readonly string[] | undefined) ?? [];
  const mask = settings.maskAddresses !== false;
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const dest = (settings.destination ?? process.stdout) as NodeJS.WritableStream;
  const scrubbing = {
    write(line: string) {
      dest.write(scrubLine(line, secretsOf(), mask));
    },
  };
  return pino(options, scrubbing as pino.DestinationStream);
}

/** A logger that writes nothing (unit tests, CLI commands that print their own output). */
export const silentLogger: Logger = pino({ level: 'silent' });
