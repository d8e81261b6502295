import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDocsText, documentedKeys } from '../../../src/config/config-docs.ts';
import { generateJsonSchemas } from '../../../src/config/json-schema.ts';

const committed = join(import.meta.dirname, '../../../docs/config.md');

describe('docs/config.md', () => {
  it('is what the generator writes from the zod schemas', async () => {
    const text = await readFile(committed, 'utf8');
    // the message names the command: a failing diff alone does not say how to fix it
    expect(text, 'docs/config.md is out of date with src/config/schema.ts: regenerate it with `npm run docs`').toBe(configDocsText());
  });

  it('gives every key a description and an example', () => {
    const missing: string[] = [];
    for (const { file, rows } of documentedKeys()) {
      for (const row of rows) {
        if (!row.description) missing.push(`${file}:${row.path} has no description (add .describe() in src/config/schema.ts)`);
        // an object whose keys are listed under it needs no example of its own
        const parent = rows.some((r) => r.path.startsWith(`${row.path}.`));
        if (row.example === undefined && !parent) missing.push(`${file}:${row.path} has no example (add one to \`examples\` in src/config/config-docs.ts)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists every top-level key of every file kind, and marks the secrets', () => {
    const text = configDocsText();
    const schemas = generateJsonSchemas() as Record<string, { properties?: Record<string, unknown>; oneOf?: { properties: Record<string, unknown> }[] }>;
    for (const name of ['switchboard', 'alias', 'action', 'rules'] as const) {
      for (const key of Object.keys(schemas[name]?.properties ?? {})) expect(text).toContain(`| \`${key}`);
    }
    for (const kind of schemas.channel?.oneOf ?? []) for (const key of Object.keys(kind.properties)) expect(text).toContain(`| \`${key}\``);
    expect(text).toMatch(/\| `api_keys\[\]\.key` \| string, \*\*required\*\*, \*\*secret\*\* \|/);
    expect(text).toMatch(/\| `auth_token` \| string, \*\*required\*\*, \*\*secret\*\* \|/);
    expect(text).toMatch(/\| `headers` \| map of string, \*\*`\$\{VAR\}` values secret\*\* \|/);
    // the default of server.port, and an example of a key that has no default
    expect(text).toMatch(/\| `server\.port` \| integer, 0 to 65535 \| `8080` \|/);
    expect(text).toContain('`public_url: https://sb.example.com`');
  });
});
