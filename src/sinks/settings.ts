/**
 * Channel settings per sink kind. The schemas themselves live in each provider's manifest
 * (src/providers/NAME/manifest.ts), joined into `channelSchema` by src/config/schema.ts; this module only picks the member for one kind, so a sink definition and the
 * config loader validate with the very same schema.
 */
import type { z } from 'zod';
import { channelSchema, type ChannelConfig, type ChannelKind } from '../config/schema.ts';
import { collectSecrets } from '../config/schema-walk.ts';

type Member = (typeof channelSchema.options)[number];

/** The zod schema of `channels/*.yaml` files of kind `K`. */
export type ChannelSchemaOf<K extends ChannelKind> = Member extends infer M
  ? M extends z.ZodType
    ? z.output<M> extends { kind: K }
      ? M
      : never
    : never
  : never;

/** The validated settings of a channel of kind `K`. */
export type ChannelSettings<K extends ChannelKind> = Extract<ChannelConfig, { kind: K }>;

/**
 * Picks the settings schema of one channel kind out of `channelSchema.options`.
 *
 * @example
 * const slackSettings = channelSettings('slack');
 * slackSettings.parse({ name: 'slack-ops', kind: 'slack', token: 'xoxb-…' });
 */
export function channelSettings<K extends ChannelKind>(kind: K): ChannelSchemaOf<K> {
  const member = channelSchema.options.find((o) => o.shape.kind.value === kind);
  if (!member) throw new Error(`channelSchema has no member for kind "${kind}"`);
  return member as unknown as ChannelSchemaOf<K>;
}

/** Every secret value (schema-marked fields) of one channel's settings, for redaction. */
export function channelSecrets(settings: ChannelConfig): string[] {
  return [...collectSecrets(channelSchema, settings)].filter((s) => s.length >= 4);
}
