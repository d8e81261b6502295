/**
 * `switchboard <command>`: parses the command line and hands over to one file per subcommand.
 * Returns the exit code.
 */
import { parseArgs } from 'node:util';
import { processEnv } from '../config/process-env.ts';

const usage = `usage:
  switchboard serve    [--config DIR] [--role all|gateway|worker]
  switchboard validate [--config DIR]
  switchboard match    [--config DIR] [--format FORMAT] [--source api|sms|email|slack] [--json] [COMMAND]
  switchboard send     [--config DIR] CHANNEL_NAME MESSAGE
  switchboard routes   [--config DIR] --status STATUS --action REF [--alias ID] [--user NAME]
                       [--data k=v ...] [--param k=v ...] [--trigger T] [--source S] [--json]
  switchboard schemas  [--out DIR]
  switchboard hash-password                 # reads a password from stdin, prints its password_hash

--config defaults to $SWITCHBOARD_CONFIG, else the current folder.`;

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
  const [command, ...rest] = argv;
  const env = processEnv();
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        role: { type: 'string' },
        format: { type: 'string' },
        source: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        status: { type: 'string' },
        action: { type: 'string' },
        alias: { type: 'string' },
        user: { type: 'string' },
        trigger: { type: 'string' },
        data: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const config = values.config ?? env.SWITCHBOARD_CONFIG ?? '.';
  if (values.help || !command || command === 'help' || command === '--help') {
    io.out(usage);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'serve': {
      const role = values.role ?? 'all';
      if (role !== 'all' && role !== 'gateway' && role !== 'worker') {
        io.err(`--role must be all, gateway or worker, not "${role}"`);
        return 2;
      }
      const { runServe } = await import('./serve.ts');
      return runServe({ config, role, env }, io);
    }
    case 'validate': {
      const { runValidate } = await import('./validate.ts');
      return runValidate({ config }, io);
    }
    case 'match': {
      const source = values.source ?? 'api';
      if (!['api', 'sms', 'email', 'slack'].includes(source)) {
        io.err(`--source must be api, sms, email or slack, not "${source}"`);
        return 2;
      }
      const { runMatch } = await import('./match.ts');
      return runMatch(
        { config, format: values.format, source: source as 'api', json: values.json ?? false, command: positionals.length ? positionals.join(' ') : undefined },
        io,
      );
    }
    case 'send': {
      const [channel, ...words] = positionals;
      if (!channel || words.length === 0) {
        io.err('usage: switchboard send [--config DIR] CHANNEL_NAME MESSAGE');
        return 2;
      }
      const { runSend } = await import('./send.ts');
      return runSend({ config, channel, message: words.join(' '), env }, io);
    }
    case 'routes': {
      const { runRoutes, parseKeyValues } = await import('./routes.ts');
      if (!values.status || !values.action) {
        io.err(`routes needs --status and --action\n${usage}`);
        return 2;
      }
      const data = parseKeyValues(values.data);
      const params = parseKeyValues(values.param);
      if (typeof data === 'string' || typeof params === 'string') {
        io.err(typeof data === 'string' ? data : (params as string));
        return 2;
      }
      return runRoutes(
        {
          config,
          status: values.status,
          action: values.action,
          alias: values.alias,
          user: values.user,
          trigger: values.trigger,
          data,
          params,
          source: values.source as 'cli' | undefined,
          json: values.json ?? false,
          env,
        },
        io,
      );
    }
    case 'hash-password': {
      const { runHashPassword } = await import('./hash-password.ts');
      return runHashPassword(io);
    }
    case 'schemas': {
      const { writeJsonSchemas } = await import('../config/json-schema.ts');
      const out = values.out ?? 'schemas';
      const files = await writeJsonSchemas(out);
      io.out(`wrote ${files.length} JSON Schemas to ${out}`);
      return 0;
    }
    default:
      io.err(`unknown command "${command}"\n${usage}`);
      return 2;
  }
}
