/**
 * Reading and validating JSON bodies: bad JSON is a 400, a body nested deeper than
 * {@link MAX_BODY_DEPTH} or that breaks the schema a 422 whose message names each field at fault.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { describeZodError, RequestError } from './errors.ts';
import { jsonTextDeeperThan, MAX_BODY_DEPTH } from './json-bounds.ts';

/** Parses the request body as JSON and validates it with `schema`. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    // before parsing: JSON.parse and everything after it would recurse through the nesting
    if (jsonTextDeeperThan(text, MAX_BODY_DEPTH)) {
      throw new RequestError(422, 'invalid_request', `body: nested deeper than ${MAX_BODY_DEPTH} levels`);
    }
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    if (err instanceof RequestError) throw err;
    throw new RequestError(400, 'bad_json', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RequestError(422, 'invalid_request', describeZodError(parsed.error));
  return parsed.data;
}
