/**
 * `switchboard hash-password`: reads a password from stdin and prints the `password_hash` value for
 * switchboard.yaml (scrypt, parameters in the string). On a terminal it asks twice without echo;
 * from a pipe it reads everything up to the end (one trailing newline dropped). Exit 0 with the
 * hash on stdout; 2 when the password is empty, the two entries differ, or the input is cancelled.
 *
 * @example
 * // $ switchboard hash-password
 * // Password: ········
 * // Again:    ········
 * // scrypt$N=16384,r=8,p=1$...$...
 * // $ printf '%s' "$PW" | switchboard hash-password
 */
import type { ReadStream } from 'node:tty';
import { hashPassword } from '../auth/password-hash.ts';
import type { CliIo } from './index.ts';

/** Passwords longer than this are refused (the login form takes at most 4096 characters). */
const MAX_LENGTH = 4096;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > MAX_LENGTH + 2) break;
  }
  return text.replace(/\r?\n$/, '');
}

/** One line from a terminal in raw mode, echoing nothing; undefined on Ctrl-C or Ctrl-D. */
function readHidden(tty: ReadStream, prompt: string, write: (s: string) => void): Promise<string | undefined> {
  write(prompt);
  tty.setRawMode(true);
  tty.resume();
  tty.setEncoding('utf8');
  return new Promise((resolve) => {
    let line = '';
    const done = (value: string | undefined) => {
      tty.off('data', onData);
      tty.setRawMode(false);
      tty.pause();
      write('\n');
      resolve(value);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return done(line);
        if (ch === '\u0003' || (ch === '\u0004' && line === '')) return done(undefined);
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else if (ch >= ' ') line += ch;
      }
    };
    tty.on('data', onData);
  });
}

export async function runHashPassword(io: CliIo): Promise<number> {
  const tty = (io.stdin as Partial<ReadStream>).isTTY ? (io.stdin as ReadStream) : undefined;
  let password: string | undefined;
  if (tty) {
    const write = (s: string) => void process.stderr.write(s);
    password = await readHidden(tty, 'Password: ', write);
    const again = password ? await readHidden(tty, 'Again:    ', write) : undefined;
    if (password && again !== password) {
      io.err('the two passwords differ; nothing printed');
      return 2;
    }
  } else {
    password = await readAll(io.stdin);
  }
  if (!password) {
    io.err('no password given (type one, or pipe it in: printf %s "$PW" | switchboard hash-password)');
    return 2;
  }
  if (password.length > MAX_LENGTH) {
    io.err(`the password is longer than ${MAX_LENGTH} characters`);
    return 2;
  }
  io.out(await hashPassword(password));
  return 0;
}
