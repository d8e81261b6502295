/**
 * Why `switchboard serve` could not start, each as one clear line and its own exit code (README,
 * "The CLI"): a typed error raised where the problem is found, translated to the line and the code
 * only by the CLI. The codes of the older refusals (config, Redis, unsafe exposure) are listed here
 * too, so one table holds them all.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SwitchboardError } from '../errors.ts';

/** `switchboard serve`'s exit codes. */
export const EXIT_CODES = {
  /** the config folder has errors (every one is printed as file:line:col) */
  config: 2,
  /** no Redis answers and none could be started */
  redis: 3,
  /** refusing to listen off loopback with an unsafe config */
  unsafeExposure: 4,
  /** a listener's port is in use, or not ours to take */
  listen: 5,
  /** the config folder does not exist or cannot be read */
  configFolder: 6,
  /** the config folder has no switchboard.yaml */
  noMainConfig: 7,
} as const;

/** A startup refusal that is one line for the operator and its exit code. */
export abstract class StartupError extends SwitchboardError {
  abstract readonly exitCode: number;
}

/** The HTTP (or SMTP) listener could not take its address. */
export class ListenError extends StartupError {
  readonly code = 'listen_failed';
  readonly exitCode = EXIT_CODES.listen;
}

export class ConfigFolderError extends StartupError {
  readonly code = 'config_folder_unreadable';
  readonly exitCode = EXIT_CODES.configFolder;
}

export class MissingMainConfigError extends StartupError {
  readonly code = 'config_main_missing';
  readonly exitCode = EXIT_CODES.noMainConfig;
}

/**
 * A listener's `error` (EADDRINUSE, EACCES) as one line naming the address, the cause and the fix;
 * any other error as it is.
 * @example server.once('error', (e) => reject(listenError(e, 'the HTTP server', 'server.port')));
 */
export function listenError(err: unknown, what: string, setting: string): unknown {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const at = e.address !== undefined && e.port !== undefined ? `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}` : 'its address';
  if (e.code === 'EADDRINUSE')
    return new ListenError(`${what} cannot listen on ${at}: the port is in use by another process (another switchboard?); stop it or change ${setting}`, {
      cause: err,
    });
  if (e.code === 'EACCES')
    return new ListenError(`${what} cannot listen on ${at}: permission denied (ports below 1024 need privileges); change ${setting}`, { cause: err });
  if (e.code === 'EADDRNOTAVAIL') return new ListenError(`${what} cannot listen on ${at}: no such address on this machine; change the host`, { cause: err });
  return err;
}

const CONFIG_FOLDERS = ['aliases', 'actions', 'channels', 'rules'];

/**
 * Checks, before the loader runs, that `dir` is a readable folder holding a readable
 * switchboard.yaml, and that the config folders in it can be listed.
 * @example await checkConfigFolder('.'); // throws ConfigFolderError or MissingMainConfigError
 */
export async function checkConfigFolder(dir: string): Promise<void> {
  const abs = resolve(dir);
  const why = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it does not exist' : (code ?? (e as Error).message);
  };
  const st = await stat(abs).catch((e: unknown) => {
    throw new ConfigFolderError(`cannot read the config folder ${abs}: ${why(e)} (is --config the right folder?)`);
  });
  if (!st.isDirectory()) throw new ConfigFolderError(`the config folder ${abs} is not a folder (--config names the folder that holds switchboard.yaml)`);
  const names = await readdir(abs).catch((e: unknown) => {
    throw new ConfigFolderError(`cannot read the config folder ${abs}: ${why(e)}`);
  });
  const main = names.find((n) => n === 'switchboard.yaml' || n === 'switchboard.yml');
  if (!main) throw new MissingMainConfigError(`no switchboard.yaml in ${abs} (is --config the right folder?)`);
  await access(join(abs, main), constants.R_OK).catch((e: unknown) => {
    throw new ConfigFolderError(`cannot read ${join(abs, main)}: ${why(e)}`);
  });
  for (const sub of CONFIG_FOLDERS.filter((n) => names.includes(n))) {
    await readdir(join(abs, sub)).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw new ConfigFolderError(`cannot read ${join(abs, sub)}: ${why(e)}`);
    });
  }
}
