/**
 * Bounds on JSON request bodies, checked without recursion: a body nested 400,000 levels deep is
 * refused before `JSON.parse` (which would build it) and before anything walks it recursively
 * (zod, `JSON.stringify` in BullMQ), so no stack overflows and no 500.
 */

/** Deepest nesting any API body may have (the deepest legitimate one, `data` of notify, is 32 below it). */
export const MAX_BODY_DEPTH = 64;
/** Nesting and serialized size allowed for `data` of `POST /api/v1/notify`. */
export const MAX_DATA_DEPTH = 32;
export const MAX_DATA_BYTES = 65_536;

/**
 * True when the JSON text nests arrays or objects deeper than `max` (strings are skipped, escapes
 * included). One pass, no recursion; the text need not be valid JSON.
 *
 * @example
 * jsonTextDeeperThan('{"a":[[1]]}', 2) // true
 * jsonTextDeeperThan('{"a":"[[[["}', 1) // false
 */
export function jsonTextDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * How deeply `value` nests arrays and objects (a scalar is 0, `{}` is 1), walked with an explicit
 * stack; stops counting once past `max` and returns `max + 1`.
 *
 * @example
 * valueDepth({ a: [1, { b: 2 }] }, 32) // 3
 */
export function valueDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) return max + 1;
    deepest = Math.max(deepest, depth);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return deepest;
}

/**
 * Why `data` is refused (too deep, too large), or undefined when it is within bounds.
 *
 * @example
 * dataBoundsProblem({ a: 'x'.repeat(70_000) }) // 'is 70008 bytes serialized; at most 65536 are allowed'
 */
export function dataBoundsProblem(data: unknown, maxDepth = MAX_DATA_DEPTH, maxBytes = MAX_DATA_BYTES): string | undefined {
  if (valueDepth(data, maxDepth) > maxDepth) return `is nested deeper than ${maxDepth} levels`;
  const bytes = Buffer.byteLength(JSON.stringify(data) ?? '');
  if (bytes > maxBytes) return `is ${bytes} bytes serialized; at most ${maxBytes} are allowed`;
  return undefined;
}
