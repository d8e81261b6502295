import { describe, expect, it } from 'vitest';
import { toOutboundMessage } from '../../../src/routing/outbound-message.ts';
import { formatEmail } from '../../../src/providers/email/format.ts';
import { formatSlackMessage } from '../../../src/providers/slack/format.ts';
import { escapeMarked, escapeSlack, markValue, stripMarks } from '../../../src/templates/marks.ts';
import { renderMessage, renderTemplate } from '../../../src/templates/render.ts';
import type { Notification } from '../../../src/notify/types.ts';

const notification = (message: string): Notification => ({
  id: 'e1/result/origin',
  name: 'origin',
  trigger: 'result',
  subject: 'core.echo succeeded',
  message,
  data: {},
});
const delivery = { id: 'd1', kind: 'slack', channel: 'slack-ops', options: {} } as never;

describe('renderMessage and the marks', () => {
  it("marks what values print, not the template's literals, and `| safe` opts out", () => {
    const out = renderMessage('<!here> said: {{ text }} ({{ n }}) {{ raw | safe }}', { text: '<!channel>', n: 3, raw: '<b>' });
    expect(stripMarks(out)).toBe('<!here> said: <!channel> (3) <b>');
    expect(escapeMarked(out, escapeSlack)).toBe('<!here> said: &lt;!channel&gt; (3) <b>');
  });

  it('keeps conditions and filters working on the values themselves', () => {
    const out = renderMessage('{% if status == "failed" %}F{% endif %}{{ text | upper }} {{ text | length }}', { status: 'failed', text: 'a<b' });
    expect(escapeMarked(out, escapeSlack)).toBe('FA&lt;B 3');
  });

  it('does not let a value close its span early with mark characters of its own', () => {
    const out = renderMessage('{{ v }}', { v: '\uE001<!here>\uE000' });
    expect(escapeMarked(out, escapeSlack)).toBe('&lt;!here&gt;');
    expect(markValue('')).toBe('');
  });

  it('leaves action templates (argv, URLs, bodies) as they were: no marks, `| e` still escapes HTML', () => {
    expect(renderTemplate('{{ v }}', { v: '<x>' })).toBe('<x>');
    expect(renderTemplate('{{ v | e }}', { v: '<x>' })).toBe('&lt;x&gt;');
  });

  it('gives sinks a plain text and Slack an escaped mrkdwn', () => {
    const m = toOutboundMessage(notification(renderMessage('*done*: {{ out }}', { out: '<https://evil.example|SSO> & co' })), delivery);
    expect(m.text).toBe('*done*: <https://evil.example|SSO> & co');
    expect(m.mrkdwn).toBe('*done*: &lt;https://evil.example|SSO&gt; &amp; co');
    const post = formatSlackMessage({ id: m.id, subject: m.subject, text: m.mrkdwn ?? m.text });
    expect(JSON.stringify(post)).not.toContain('<https://evil');
    // nothing to escape: no second copy
    expect(toOutboundMessage(notification('plain'), delivery)).not.toHaveProperty('mrkdwn');
  });

  it("escapes HTML in an email's HTML part (values and literals alike)", () => {
    const m = toOutboundMessage(notification(renderMessage('Result: {{ out }}', { out: '<script>alert(1)</script>' })), delivery);
    const email = formatEmail(m, 'sb@example.com');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toBe('Result: <script>alert(1)</script>');
  });
});
