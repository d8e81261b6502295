/**
 * `switchboard validate [--config DIR]`: every problem of the config folder, one per line, then a
 * summary. Exit 0 when there is no error (warnings allowed), 1 otherwise.
 */
import type { Env } from '../config/env.ts';
import { formatDiagnostic, inspectConfig } from '../config/load.ts';

export interface ValidateIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/**
 * @example
 * const code = await runValidate({ config: '.' }, { out: console.log, err: console.error });
 */
export async function runValidate(args: { config: string; env?: Env }, io: ValidateIo): Promise<number> {
  const { config, diagnostics } = await inspectConfig(args.config, { env: args.env });
  // one stream keeps the report in order; the exit code tells success
  for (const d of diagnostics) io.out(formatDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors > 0) {
    io.out(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
    return 1;
  }
  const summary = [
    plural(config.aliases.length, 'alias', 'aliases'),
    plural([...config.actions.values()].filter((a) => a.file !== undefined).length, 'action'),
    plural(config.channels.size, 'channel'),
    plural(config.rules.length, 'rule'),
  ];
  io.out(`config OK: ${summary.join(', ')}`);
  return 0;
}
