/**
 * The command line of `switchboard`, declared with commander: one subcommand per file of this
 * folder, each with its own options (an option of another command is refused, with the command
 * that takes it named), `--help` with examples, "did you mean" for commands and options,
 * `switchboard help COMMAND` and `--version`. Parsing only: each action hands its values to its
 * `run*` function and keeps the exit code it returns.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliIo } from './index.ts';

type Env = Record<string, string | undefined>;

/** Exit code of a usage error (unknown command or option, missing argument), as before commander. */
export const USAGE_EXIT = 2;

const sources = ['api', 'sms', 'email', 'slack', 'discord', 'mattermost', 'teams'] as const;
const roles = ['all', 'gateway', 'worker'] as const;

/** The version in package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * commander's Command, with one addition: an unknown option that another subcommand takes says so
 * (`switchboard validate --json`: "--json is an option of match, routes, slack-manifest").
 */
class SwitchboardCommand extends Command {
  override createCommand(name?: string): Command {
    return new SwitchboardCommand(name);
  }

  unknownOption(flag: string): void {
    const name = flag.split('=', 1)[0] ?? flag;
    const owners = (this.parent?.commands ?? []).filter((c) => c !== this && c.options.some((o) => o.long === name || o.short === name)).map((c) => c.name());
    if (owners.length > 0) {
      this.error(`error: '${this.name()}' takes no option '${name}' (an option of ${owners.join(', ')}); see switchboard ${this.name()} --help`, {
        code: 'commander.unknownOption',
        exitCode: USAGE_EXIT,
      });
    }
    (Command.prototype as unknown as { unknownOption(flag: string): void }).unknownOption.call(this, flag);
  }
}

const configOption = () => new Option('-c, --config <dir>', 'the config folder (default: $SWITCHBOARD_CONFIG, else the current folder)');
const collect = (value: string, previous: string[]) => [...previous, value];
const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n')}\n`;

/**
 * Builds the program for one run. `setCode` receives the exit code of the command that ran.
 *
 * @example
 * let code = 0;
 * await buildProgram(io, process.env, (c) => (code = c)).parseAsync(argv, { from: 'user' });
 */
export function buildProgram(io: CliIo, env: Env, setCode: (code: number) => void, helpWidth?: number): Command {
  const configDir = (opts: { config?: string }) => opts.config ?? env.SWITCHBOARD_CONFIG ?? '.';
  const program = new SwitchboardCommand('switchboard');
  program
    .description('Run operations by text (SMS, email, Slack, HTTP) and hear back on every channel.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      getOutHelpWidth: () => helpWidth ?? 100,
      getErrHelpWidth: () => helpWidth ?? 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .addHelpText(
      'after',
      [
        examples([
          'switchboard validate --config ./ops',
          "switchboard match 'restart web on prod'",
          'switchboard send ops "hello from switchboard"',
          'switchboard routes --status failed --action ops.restart',
          'switchboard serve --config ./ops',
          'printf %s "$PW" | switchboard hash-password',
        ]),
        '--config defaults to $SWITCHBOARD_CONFIG, else the current folder.',
        'switchboard help COMMAND (or switchboard COMMAND --help) shows one command with examples.',
      ].join('\n'),
    );

  program
    .command('serve')
    .summary('run the gateway and/or the workers until SIGTERM or SIGINT')
    .description(
      'Runs the gateway (HTTP, ingress, dashboard) and/or the workers until SIGTERM or SIGINT. A change in the ' +
        'config folder or SIGHUP reloads the config: applied when valid, else the running one is kept ' +
        '(SWITCHBOARD_WATCH=false: SIGHUP only).\n\n' +
        'Exit codes: 0 stopped by a signal, 2 config error, 3 Redis cannot be reached or started, ' +
        '4 refuses to listen off loopback with an unsafe config.',
    )
    .addOption(configOption())
    .addOption(new Option('--role <role>', `what this process runs: ${roles.join(', ')}`).default('all'))
    .addHelpText('after', examples(['switchboard serve --config ./ops', 'switchboard serve --role gateway', 'switchboard serve --role worker']))
    .action(async (opts: { config?: string; role: string }) => {
      if (!(roles as readonly string[]).includes(opts.role)) {
        io.err(`--role must be all, gateway or worker, not "${opts.role}"`);
        return setCode(USAGE_EXIT);
      }
      const { runServe } = await import('./serve.ts');
      setCode(await runServe({ config: configDir(opts), role: opts.role as (typeof roles)[number], env }, io));
    });

  program
    .command('validate')
    .summary('check the config folder, every problem with file:line:col')
    .description(
      'Runs every check serve runs, including cross-references (alias -> action, rule -> channel, notify ' +
        'names -> some rule, formats compile, overlapping formats warned), one problem per line, then a summary.\n\n' +
        'Exit codes: 0 no error (warnings allowed), 1 errors.',
    )
    .addOption(configOption())
    .addHelpText('after', examples(['switchboard validate', 'switchboard validate --config ./ops']))
    .action(async (opts: { config?: string }) => {
      const { runValidate } = await import('./validate.ts');
      setCode(await runValidate({ config: configDir(opts) }, io));
    });

  program
    .command('match')
    .summary('what an execution would receive for a command, without running it')
    .description(
      'Matches COMMAND against the aliases (or the one --format) and prints the alias, the format and the parsed, ' +
        'cast parameters (immutable_parameters and the action schema applied), or why nothing matches, with ' +
        '"did you mean" suggestions or the ambiguous candidates. Without COMMAND it reads one command per line ' +
        'from stdin and answers every line with one line, blank lines included ("no command").\n\n' +
        'Exit codes: 0 matched (every line, in batch mode), 1 no match, an ambiguity or a bad value, 2 config error.',
    )
    .argument('[command...]', 'the command text (words are joined by spaces); absent: one command per stdin line')
    .addOption(configOption())
    .option('--format <format>', 'match against this one format instead of the aliases')
    .addOption(new Option('--source <source>', `normalise the text as this ingress does: ${sources.join(', ')}`).default('api'))
    .option('--json', 'one JSON object per result: {"matched": true, "alias", "action", "format", "params"} or {"matched": false, "reason", ...}')
    .addHelpText(
      'after',
      examples([
        "switchboard match 'restart web on prod'",
        "switchboard match --json --source slack '@switchboard: deploy api 1.4.2'",
        "switchboard match --format 'restart {{service}} on {{env=staging}}' 'restart web'",
        'switchboard match --json < commands.txt      # one result line per input line',
      ]),
    )
    .action(async (words: string[], opts: { config?: string; format?: string; source: string; json?: boolean }) => {
      if (!(sources as readonly string[]).includes(opts.source)) {
        io.err(`--source must be api, sms, email or slack, not "${opts.source}"`);
        return setCode(USAGE_EXIT);
      }
      const { runMatch } = await import('./match.ts');
      setCode(
        await runMatch(
          {
            config: configDir(opts),
            format: opts.format,
            source: opts.source as (typeof sources)[number],
            json: opts.json ?? false,
            command: words.length ? words.join(' ') : undefined,
          },
          io,
        ),
      );
    });

  program
    .command('send')
    .summary('send a test message through the rules, or straight to one channel')
    .description(
      "NAME is a notify name (a rule's channel, e.g. ops): the message goes through the rules like " +
        'POST /api/v1/notify. When no rule names it, NAME is a channel (channels/*.yaml, e.g. log): the message goes ' +
        'straight to it, to its default_target or --target. Each delivery is sent at once (no queue, no Redis), ' +
        'one line each. An unknown NAME lists the notify names and channels that exist.\n\n' +
        'Exit codes: 0 every delivery sent, 1 unknown name, nothing routed or a send failed, 2 config error.',
    )
    .argument('<name>', 'a notify name (rules) or a channel name (channels/*.yaml)')
    .argument('<message...>', 'the message text (words are joined by spaces)')
    .addOption(configOption())
    .option('--target <target>', 'send straight to the channel NAME, to this target (a Slack channel, an address, a number...)')
    .addHelpText(
      'after',
      examples([
        'switchboard send ops "deploy finished"',
        'switchboard send log hello',
        "switchboard send slack-ops --target '#incidents' 'test, please ignore'",
      ]),
    )
    .action(async (name: string, words: string[], opts: { config?: string; target?: string }) => {
      const { runSend } = await import('./send.ts');
      setCode(
        await runSend(
          { config: configDir(opts), channel: name, message: words.join(' '), ...(opts.target !== undefined ? { target: opts.target } : {}), env },
          io,
        ),
      );
    });

  program
    .command('routes')
    .summary('which rules match and which deliveries would fire, with the rendered messages')
    .description(
      'For a simulated execution (status, action, user, data): which rules match and the exact rendered message ' +
        'of every delivery, without sending anything. A CI gate for rule changes.\n\n' +
        'Exit codes: 0, 1 a bad argument or a notification would reach no one, 2 config error.',
    )
    .addOption(configOption())
    .option('--status <status>', 'required: queued, running, succeeded, failed, timeout or canceled')
    .option('--action <ref>', 'required: the action, e.g. ops.restart')
    .option('--alias <id>', 'the alias the command matched (its notify and immutable_parameters apply)')
    .option('--user <name>', 'who ran it (users in switchboard.yaml)')
    .option('--data <k=v>', "set on every notification's data before routing (dot keys nest; repeatable)", collect, [])
    .option('--param <k=v>', "an execution parameter over the action's defaults (repeatable)", collect, [])
    .option('--trigger <trigger>', 'only this trigger: on_success, on_failure, on_complete, ack, result')
    .option('--source <source>', 'the simulated origin: api, cli, sms, email, slack (default: cli)')
    .option('--json', 'the execution and every plan as JSON')
    .addHelpText(
      'after',
      examples([
        'switchboard routes --status failed --action ops.restart',
        'switchboard routes --status failed --action ops.restart --data severity=critical --user alice --json',
      ]),
    )
    .action(
      async (opts: {
        config?: string;
        status?: string;
        action?: string;
        alias?: string;
        user?: string;
        data: string[];
        param: string[];
        trigger?: string;
        source?: string;
        json?: boolean;
      }) => {
        // checked here, not by commander: a mistyped option is then reported (with "did you mean") before a missing one
        if (opts.status === undefined || opts.action === undefined) {
          io.err('routes needs --status and --action (see switchboard routes --help)');
          return setCode(USAGE_EXIT);
        }
        const { runRoutes, parseKeyValues } = await import('./routes.ts');
        const data = parseKeyValues(opts.data);
        const params = parseKeyValues(opts.param);
        if (typeof data === 'string' || typeof params === 'string') {
          io.err(typeof data === 'string' ? data : (params as string));
          return setCode(USAGE_EXIT);
        }
        setCode(
          await runRoutes(
            {
              config: configDir(opts),
              status: opts.status,
              action: opts.action,
              alias: opts.alias,
              user: opts.user,
              trigger: opts.trigger,
              data,
              params,
              source: opts.source as 'cli' | undefined,
              json: opts.json ?? false,
              env,
            },
            io,
          ),
        );
      },
    );

  program
    .command('schemas')
    .summary('write the JSON Schemas of the config files (for editors)')
    .description('Writes <name>.schema.json for every config file kind into --out.')
    .option('--out <dir>', 'the folder to write', 'schemas')
    .addHelpText('after', examples(['switchboard schemas --out schemas']))
    .action(async (opts: { out: string }) => {
      const { writeJsonSchemas } = await import('../config/json-schema.ts');
      const files = await writeJsonSchemas(opts.out);
      io.out(`wrote ${files.length} JSON Schemas to ${opts.out}`);
      setCode(0);
    });

  program
    .command('hash-password')
    .summary('read a password, print its password_hash for switchboard.yaml')
    .description(
      'Reads a password (asked twice without echo on a terminal, or everything piped in, one trailing newline ' +
        'dropped) and prints the password_hash value for switchboard.yaml: scrypt$N=16384,r=8,p=1$SALT$HASH.\n\n' +
        'Exit codes: 0 printed, 2 empty, the two entries differ, or cancelled.',
    )
    .addHelpText('after', examples(['switchboard hash-password', 'printf %s "$PW" | switchboard hash-password']))
    .action(async () => {
      const { runHashPassword } = await import('./hash-password.ts');
      setCode(await runHashPassword(io));
    });

  program
    .command('slack-manifest')
    .summary('print a Slack app manifest for this Switchboard')
    .description(
      'Prints a Slack app manifest to paste into api.slack.com/apps > Create New App > From an app manifest: the ' +
        'slash command /sb, the events app_mention and message.im, interactivity (Confirm / Cancel buttons) and ' +
        'the bot scopes. Request URLs are built on --url, else server.public_url; Socket Mode is on when the slack ' +
        'channel has an app_token (no request URLs then).\n\n' +
        'Exit codes: 0, 2 no public URL for HTTP mode, not https, or an unknown or ambiguous slack channel.',
    )
    .addOption(configOption())
    .option('--url <public_url>', 'the https URL Slack calls (default: server.public_url)')
    .option('--channel <name>', 'the slack channel the app is for, when there are several')
    .option('--name <app_name>', 'the app name shown in Slack', 'Switchboard')
    .option('--json', 'JSON instead of YAML')
    .addHelpText('after', examples(['switchboard slack-manifest --url https://sb.example.com', 'switchboard slack-manifest --json > manifest.json']))
    .action(async (opts: { config?: string; url?: string; channel?: string; name: string; json?: boolean }) => {
      const { runSlackManifest } = await import('./slack-manifest.ts');
      setCode(
        await runSlackManifest(
          {
            config: configDir(opts),
            name: opts.name,
            json: opts.json ?? false,
            env,
            ...(opts.url !== undefined ? { url: opts.url } : {}),
            ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
          },
          io,
        ),
      );
    });

  program
    .command('telegram-webhook')
    .summary("point a Telegram bot's webhook at this Switchboard (setWebhook with the secret_token)")
    .description(
      "Calls the Bot API's setWebhook for the telegram channel: <url>/ingress/telegram/<channel>, with the channel's " +
        'secret_token (Telegram sends it back in X-Telegram-Bot-Api-Secret-Token) and allowed_updates message, ' +
        'callback_query. --delete removes the webhook. See docs/providers/telegram.md.\n\n' +
        'Exit codes: 0 done, 1 Telegram refused (its answer printed), 2 config error, no secret_token or no URL.',
    )
    .addOption(configOption())
    .option('--url <public_url>', 'the https base URL Telegram calls (default: server.public_url)')
    .option('--channel <name>', 'the telegram channel, when there are several')
    .option('--delete', 'remove the webhook instead')
    .addHelpText(
      'after',
      examples(['switchboard telegram-webhook --url https://sb.example.com', 'switchboard telegram-webhook --channel telegram-ops --delete']),
    )
    .action(async (opts: { config?: string; url?: string; channel?: string; delete?: boolean }) => {
      const { runTelegramWebhook } = await import('../providers/telegram/set-webhook.ts');
      setCode(
        await runTelegramWebhook(
          {
            config: configDir(opts),
            env,
            delete: opts.delete ?? false,
            ...(opts.url !== undefined && { url: opts.url }),
            ...(opts.channel !== undefined && { channel: opts.channel }),
          },
          io,
        ),
      );
    });

  program
    .command('discord-register')
    .summary('register the /sb slash command of a discord channel with Discord')
    .description(
      "PUTs the slash command (`/sb text:<command>`, the channel's `command:`) to Discord's bulk overwrite endpoint " +
        "(/applications/<application_id>/commands, or one server's with --guild, where it shows at once) with the " +
        'bot token. The whole command list of the application is replaced. See docs/providers/discord.md.\n\n' +
        'Exit codes: 0 registered, 1 Discord refused it, 2 config error or no discord channel.',
    )
    .addOption(configOption())
    .option('--channel <name>', 'the discord channel, when there are several')
    .option('--guild <id>', 'register for this server only (instant) instead of globally (up to an hour)')
    .addHelpText('after', examples(['switchboard discord-register', 'switchboard discord-register --guild 1400000000000000001']))
    .action(async (opts: { config?: string; channel?: string; guild?: string }) => {
      const { runDiscordRegister } = await import('../providers/discord/register.ts');
      setCode(
        await runDiscordRegister(
          {
            config: configDir(opts),
            env,
            ...(opts.channel !== undefined && { channel: opts.channel }),
            ...(opts.guild !== undefined && { guild: opts.guild }),
          },
          io,
        ),
      );
    });

  return program;
}

/**
 * Parses `argv` (without node and the script) and runs the command; the exit code: the command's,
 * 0 after --help or --version, 2 for a usage error. No command at all: the overview on stderr, 2.
 */
export async function runProgram(argv: string[], io: CliIo, env: Env, helpWidth?: number): Promise<number> {
  let code = 0;
  const program = buildProgram(io, env, (c) => (code = c), helpWidth);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return USAGE_EXIT;
  }
  // `help COMMAND` is `COMMAND --help`; a mistyped COMMAND gets "did you mean" even with --help after it
  const known = (name: string) => name === 'help' || program.commands.some((c) => c.name() === name);
  let args = argv[0] === 'help' && argv[1] !== undefined && !argv[1].startsWith('-') ? [argv[1], '--help'] : argv;
  if (args[0] !== undefined && !args[0].startsWith('-') && !known(args[0])) args = [args[0]];
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return e.exitCode === 0 ? 0 : USAGE_EXIT;
  }
  return code;
}
