/**
 * The pieces every channel schema shares: `channelBase` (name, description, default_target,
 * api_url, rate_limit) and the {@link secret} marker. A provider's manifest
 * (src/providers/NAME/manifest.ts) imports them from HERE, never from ./schema.ts: schema.ts builds
 * `channelSchema` from the manifests, so a manifest importing schema.ts would be an import cycle.
 */
import { z } from 'zod';

/** Marks a string field as secret: redacted in logs, errors, API responses and the UI. */
export const secret = () => z.string().meta({ secret: true, writeOnly: true });
/** A field mixing literals and credentials: the `${VAR}` values put into it are secrets (schema-walk.ts `collectEnvSecrets`). */
export const envSecrets = { envSecret: true } as const;

/** The fields of every channel, spread into each provider's channel schema: `z.object({ ...channelBase, kind: z.literal('x'), ... }).strict()`. */
export const channelBase = {
  name: z.string().min(1).describe('the name rules use (`to: [{ channel: NAME }]`)'),
  description: z.string().optional().describe('shown on the channels page'),
  default_target: z.string().optional().describe('where a delivery goes when its rule names no target: Slack channel, phone number, address...'),
  api_url: z.string().url().optional().describe("the provider API's base URL: enterprise hosts, proxies, tests; required for jira (the site)"),
  rate_limit: z
    .object({ max: z.number().int().positive().describe('deliveries per period'), per_seconds: z.number().positive().describe('the period, in seconds') })
    .strict()
    .optional()
    .describe('deliveries sent per period; default per kind (slack: 1 a second per target, sms: 1 a second)'),
};
