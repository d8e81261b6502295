/**
 * Renders notify texts without ever losing a notification: a template that fails to render is
 * replaced by a fallback text that says so, instead of throwing away every notification of the
 * execution (config validation already rejects templates that do not compile).
 */
import type { RenderFn } from './types.ts';

/**
 * `render(template, ctx)`, or `fallback` with the error appended when rendering throws.
 *
 * @example
 * renderSafely(render, '{{ action }} done', ctx, 'ops.restart succeeded') // 'ops.restart done'
 */
export function renderSafely(render: RenderFn, template: string, ctx: Record<string, unknown>, fallback: string): string {
  return renderSafelyOr(render, template, ctx, () => fallback);
}

/** {@link renderSafely} whose fallback is made only when it is needed (it is itself a rendering). */
export function renderSafelyOr(render: RenderFn, template: string, ctx: Record<string, unknown>, fallback: () => string): string {
  try {
    return render(template, ctx);
  } catch (err) {
    return `${fallback()} (template error: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * Renders every string inside a `data` value once (keys as written, other leaves kept).
 *
 * @example
 * renderData(render, { severity: '{{ params.level }}', count: 3 }, ctx) // { severity: 'critical', count: 3 }
 */
export function renderData(render: RenderFn, data: Record<string, unknown> | undefined, ctx: Record<string, unknown>): Record<string, unknown> {
  if (!data) return {};
  return renderValue(render, data, ctx) as Record<string, unknown>;
}

function renderValue(render: RenderFn, value: unknown, ctx: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderSafely(render, value, ctx, value);
  if (Array.isArray(value)) return value.map((v) => renderValue(render, v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(render, v, ctx)]));
  }
  return value;
}
