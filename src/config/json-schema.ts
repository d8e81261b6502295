/**
 * JSON Schemas of the five config file kinds, generated from the zod schemas (what users write, so
 * `io: 'input'`: defaults are optional). Committed in schemas/*.schema.json for editors;
 * regenerate with `npm run schemas` (`switchboard schemas --out schemas`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { actionSchema, aliasSchema, channelSchema, mainSchema, rulesFileSchema } from './schema.ts';

export type SchemaName = 'switchboard' | 'alias' | 'action' | 'channel' | 'rules';

const sources: Record<SchemaName, { schema: z.ZodType; title: string }> = {
  switchboard: { schema: mainSchema, title: 'Switchboard main config (switchboard.yaml)' },
  alias: { schema: aliasSchema, title: 'Switchboard / StackStorm action alias (aliases/*.yaml)' },
  action: { schema: actionSchema, title: 'Switchboard action (actions/*.yaml)' },
  channel: { schema: channelSchema, title: 'Switchboard channel (channels/*.yaml)' },
  rules: { schema: rulesFileSchema, title: 'Switchboard notification rules (rules/*.yaml)' },
};

/** Every schema, by name. */
export function generateJsonSchemas(): Record<SchemaName, object> {
  const out = {} as Record<SchemaName, object>;
  for (const [name, { schema, title }] of Object.entries(sources) as [SchemaName, (typeof sources)[SchemaName]][]) {
    const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    out[name] = { $schema, title, ...rest };
  }
  return out;
}

/** The text of one committed schema file: stable, 2-space JSON with a final newline. */
export function jsonSchemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * Writes `<name>.schema.json` for every schema into `outDir`; returns the paths written.
 *
 * @example
 * await writeJsonSchemas('schemas'); // schemas/alias.schema.json, ...
 */
export async function writeJsonSchemas(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(generateJsonSchemas())) {
    const path = join(outDir, `${name}.schema.json`);
    await writeFile(path, jsonSchemaText(schema));
    written.push(path);
  }
  return written;
}
