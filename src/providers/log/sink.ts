/** `log` sink: one structured JSON line per delivery on the process logger (stdout by default). */
import { channelSettings } from '../../sinks/settings.ts';
import { defineSink } from '../../sinks/sink.ts';
import { throwIfAborted } from '../../sinks/failure.ts';

/**
 * @example
 * # channels/log.yaml
 * name: log
 * kind: log
 */
export const logSink = defineSink({
  kind: 'log',
  settings: channelSettings('log'),
  create(settings, deps) {
    const logger = deps.logger.child({ sink: 'log', channel: settings.name });
    return {
      async send(m, signal) {
        throwIfAborted('log', signal);
        logger.info(
          {
            delivery: m.id,
            target: m.target ?? settings.default_target,
            subject: m.subject,
            text: m.text,
            data: m.data,
            execution: m.execution,
          },
          'notification',
        );
        return { externalId: m.id };
      },
    };
  },
});
