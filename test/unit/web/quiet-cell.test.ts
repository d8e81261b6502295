import { describe, expect, it } from 'vitest';
import { quietCell } from '../../../src/web/pages/execution.ts';
import { statusBadge } from '../../../src/web/format.ts';

const text = async (m: unknown) => String(await m);

describe('quietCell', () => {
  it('shows for whom, until when and, once queued, the digest of a held delivery', async () => {
    const out = await text(quietCell({ user: 'alice', held_until: '2026-12-07T06:00:00.000Z', digest: 'd-0123456789abcdef0123456789abcdef' }));
    expect(out).toContain('for alice, quiet hours until');
    expect(out).toContain('<time datetime="2026-12-07T06:00:00.000Z"');
    expect(out).toContain('digest <span class="mono">d-0123456789abcdef0123456789abcdef</span>');
  });

  it('names only the person of a delivery that was never held, and nothing for a plain target', async () => {
    expect(await text(quietCell({ user: 'bob' }))).toBe('<div class="muted small">for bob</div>');
    expect(await text(quietCell({}))).toBe('');
  });

  it('gives held its own badge', async () => {
    expect(await text(statusBadge('held'))).toContain('class="badge badge-held"');
  });
});
