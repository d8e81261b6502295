/**
 * `file` sink: appends one JSON line per delivery to an outbox file (path relative to the config
 * folder). Each line is written with a single `write` on a file opened in append mode, so lines of
 * concurrent writers never interleave.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { channelSettings } from '../../sinks/settings.ts';
import { defineSink, messageJson, SinkError, type MessageJson } from '../../sinks/sink.ts';
import { throwIfAborted } from '../../sinks/failure.ts';

/** One line of the outbox file. */
export interface OutboxLine extends MessageJson {
  at: string;
  reply_to?: Record<string, string>;
}

/**
 * @example
 * # channels/outbox.yaml
 * name: outbox
 * kind: file
 * path: outbox/deliveries.jsonl
 */
export const fileSink = defineSink({
  kind: 'file',
  settings: channelSettings('file'),
  create(settings, deps) {
    const path = resolve(deps.configDir, settings.path);
    return {
      async send(m, signal) {
        throwIfAborted('file', signal);
        const line: OutboxLine = { at: new Date().toISOString(), ...messageJson(m, settings.default_target), reply_to: m.replyTo };
        try {
          await mkdir(dirname(path), { recursive: true });
          const handle = await open(path, 'a');
          try {
            await handle.write(`${JSON.stringify(line)}\n`);
          } finally {
            await handle.close();
          }
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'error';
          const retryable = code !== 'EACCES' && code !== 'EISDIR' && code !== 'EROFS';
          throw new SinkError(`file ${settings.path}: ${code}`, retryable ? 'server_error' : 'client_error', retryable, undefined, { cause: err });
        }
        return { externalId: m.id };
      },
    };
  },
});
