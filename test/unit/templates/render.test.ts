import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { buildContext, compileTemplate, renderDeep, renderTemplate, TemplateError } from '../../../src/templates/render.ts';

const exec = (over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id: 'k7hq3mzp',
  status: 'succeeded',
  action: 'ops.restart',
  alias: 'ops.restart_service',
  user: 'alice',
  params: {
    service: 'web',
    count: 2,
    hosts: [
      { name: 'a', up: true },
      { name: 'b', up: false },
    ],
  },
  created_at: '2026-01-01T00:00:00.000Z',
  attempts: 1,
  deliveries: [],
  result: { stdout: 'ok\n', return_code: 0 },
  ...over,
});

describe('buildContext', () => {
  it('exposes params at top level, as params, and as execution.parameters', () => {
    const ctx = buildContext(exec());
    expect(renderTemplate('{{ service }} {{ params.service }} {{ execution.parameters.service }} {{ execution.params.count }}', ctx)).toBe('web web web 2');
  });

  it('exposes action, alias, user, status, result, error and the record', () => {
    const ctx = buildContext(exec({ status: 'failed', error: 'boom' }));
    expect(
      renderTemplate(
        '{{ action }}|{{ alias }}|{{ user }}|{{ status }}|{{ result.stdout | trim }}|{{ error }}|{{ execution.id }}|{{ execution.result.return_code }}',
        ctx,
      ),
    ).toBe('ops.restart|ops.restart_service|alice|failed|ok|boom|k7hq3mzp|0');
  });

  it('lets reserved names win over a parameter of the same name, and extra win over both', () => {
    const ctx = buildContext(exec({ params: { status: 'mine' } }), { data: { severity: 'critical' } });
    expect(renderTemplate('{{ status }} {{ params.status }} {{ data.severity }}', ctx)).toBe('succeeded mine critical');
  });
});

describe('renderTemplate', () => {
  it('never evaluates a value that came from a sender', () => {
    const ctx = buildContext(exec({ params: { service: '{{ 7*7 }} {% if true %}x{% endif %}' } }));
    expect(renderTemplate('restart {{ service }}', ctx)).toBe('restart {{ 7*7 }} {% if true %}x{% endif %}');
  });

  it('does not escape HTML', () => {
    expect(renderTemplate('{{ v }}', { v: '<b>&"\'' })).toBe('<b>&"\'');
  });

  it('returns plain text as written, including {~}', () => {
    expect(renderTemplate('Salt said{~} done', {})).toBe('Salt said{~} done');
  });

  it.each([
    ['{{ v | tojson }}', { v: { a: [1, 'x'] } }, '{"a":[1,"x"]}'],
    ['{{ v | to_json_string }}', { v: [true, null] }, '[true,null]'],
    ['{{ v | json_dump }}', { v: 'q"' }, '"q\\""'],
    ['{{ v | to_yaml_string }}', { v: { a: 1 } }, 'a: 1\n'],
    ['{{ (v | from_json_string).a }}', { v: '{"a":5}' }, '5'],
    ['{{ v | regex_replace("o+", "0") }}', { v: 'foo boo' }, 'f0 b0'],
    ['{{ v | map(attribute="name") | join(",") }}', { v: [{ name: 'a' }, { name: 'b' }] }, 'a,b'],
    ['{{ v | selectattr("s", "equalto", "x") | length }}', { v: [{ s: 'x' }, { s: 'y' }, { s: 'x' }] }, '2'],
    ['{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', { d: { a: 1, b: 2 } }, 'a=1;b=2;'],
    ['{% for k, v in d.iteritems() %}{{ k }}{% endfor %}', { d: { a: 1 } }, 'a'],
    ['{{ missing | default("none") }}', {}, 'none'],
    ["{% if 'x' in d %}yes{% endif %}", { d: { x: 1 } }, 'yes'],
    ['{%- if True -%}  t  {%- endif -%}', {}, 't'],
  ])('renders %s', (src, ctx, want) => {
    expect(renderTemplate(src, ctx)).toBe(want);
  });

  it('renders a StackStorm result format with loops and whitespace control', () => {
    const src = `{% if execution.status == 'succeeded' -%}
Hosts:{~}
{% for h in execution.parameters.hosts -%}
* {{ h.name }} ({% if h.up %}up{% else %}down{% endif %})
{% endfor %}
{%- endif %}`;
    expect(renderTemplate(src, buildContext(exec()))).toBe('Hosts:{~}\n* a (up)\n* b (down)\n');
  });

  it('throws TemplateError for a template that does not compile', () => {
    expect(() => renderTemplate('{% if %}', {})).toThrow(TemplateError);
    expect(() => compileTemplate('{{ a ')).toThrow(TemplateError);
  });

  it('renders undefined values as empty text', () => {
    expect(renderTemplate('[{{ nope }}]', {})).toBe('[]');
  });
});

describe('renderDeep', () => {
  it('renders each string leaf once and keeps other values', () => {
    const out = renderDeep({ a: '{{ x }}', b: [1, '{{ y }}'], c: { d: true } }, { x: '{{ y }}', y: 'Y' });
    expect(out).toEqual({ a: '{{ y }}', b: [1, 'Y'], c: { d: true } });
  });
});
