/**
 * `switchboard <command>`: the command line (declared in program.ts with commander) handing over
 * to one file per subcommand. Returns the exit code.
 */
import { processEnv } from '../config/process-env.ts';
import { runProgram } from './program.ts';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin: NodeJS.ReadableStream;
}

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
  stdin: process.stdin,
};

export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  // help wraps at the terminal's width when it is one, else at 100 columns
  const width = io === defaultIo && process.stdout.isTTY ? process.stdout.columns : undefined;
  // `switchboard help | head`: a reader that stops early ends the command quietly, not with an EPIPE stack
  if (io === defaultIo && argv[0] !== 'serve') {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  return runProgram(argv, io, processEnv(), width);
}
