import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateJsonSchemas, jsonSchemaText } from '../../../src/config/json-schema.ts';

const committed = join(import.meta.dirname, '../../../schemas');

describe('generateJsonSchemas', () => {
  it.each(['switchboard', 'alias', 'action', 'channel', 'rules'] as const)(
    'matches the committed schemas/%s.schema.json (regenerate: npm run schemas)',
    async (name) => {
      const text = await readFile(join(committed, `${name}.schema.json`), 'utf8');
      expect(text).toBe(jsonSchemaText(generateJsonSchemas()[name]));
    },
  );

  it('marks secret fields in the JSON Schema', () => {
    const channel = JSON.stringify(generateJsonSchemas().channel);
    expect(channel).toContain('"secret":true');
    expect(channel).toContain('"writeOnly":true');
  });

  it('describes input: fields with defaults are optional', () => {
    const main = generateJsonSchemas().switchboard as { required?: string[]; properties: Record<string, unknown> };
    expect(main.required ?? []).toEqual([]);
    expect(Object.keys(main.properties)).toContain('server');
  });
});
