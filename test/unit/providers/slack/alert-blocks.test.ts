import { describe, expect, it } from 'vitest';
import type { AlertRef } from '../../../../src/notify/types.ts';
import { alertButtonTarget, closeAlertBlocks, withAlertBlocks } from '../../../../src/providers/slack/alert-blocks.ts';
import { formatSlackMessage } from '../../../../src/providers/slack/format.ts';

const alert = (status: AlertRef['status']): AlertRef => ({ id: 'al-1', code: '4821', fingerprint: 'f', status, channel: 'am' });
const post = () => formatSlackMessage({ id: 'd1', subject: 'HighLatency', text: 'HighLatency on web-1' });
type B = { type: string; block_id?: string; elements?: { action_id?: string; value?: string; text?: unknown }[] };

describe('withAlertBlocks', () => {
  it('adds the code, the answer line and the ACK / Silence 1h buttons to a firing alert', () => {
    const blocks = withAlertBlocks(post(), alert('firing')).blocks as B[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context', 'actions']);
    expect(JSON.stringify(blocks[1])).toContain('ACK 4821');
    expect(blocks[2]?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      ['alert_ack', '4821:al-1'],
      ['alert_silence_1h', '4821:al-1'],
    ]);
  });

  it('gives a resolved alert no buttons', () => {
    const blocks = withAlertBlocks(post(), alert('resolved')).blocks as B[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(blocks)).toContain('Resolved');
  });

  it('keeps an attachment body and puts the blocks beside it', () => {
    const p = withAlertBlocks(formatSlackMessage({ id: 'd', subject: 's', text: 'pre{~}body' }), alert('firing'));
    expect(p.attachments).toHaveLength(1);
    expect((p.blocks as B[]).map((b) => b.type)).toEqual(['context', 'actions']);
  });
});

describe('closeAlertBlocks', () => {
  it('drops our buttons, keeps everything else and adds the note', () => {
    const firing = withAlertBlocks(post(), alert('firing')).blocks;
    const other = { type: 'actions', block_id: 'someone_else', elements: [] };
    const closed = closeAlertBlocks([...(firing ?? []), other], 'Acknowledged by alice') as B[];
    expect(closed.map((b) => b.type)).toEqual(['section', 'context', 'actions', 'context']);
    expect(closed[2]?.block_id).toBe('someone_else');
    expect(JSON.stringify(closed.at(-1))).toContain('Acknowledged by alice');
  });

  it('keeps the buttons when asked, and survives blocks that are not a list', () => {
    expect(closeAlertBlocks(withAlertBlocks(post(), alert('firing')).blocks, 'Silenced', { keepButtons: true }).map((b) => b.type)).toContain('actions');
    expect(closeAlertBlocks('nonsense', 'Resolved')).toHaveLength(1);
  });
});

describe('alertButtonTarget', () => {
  it('acts on the alert id a button carries, on the code alone for buttons posted before ids were carried', () => {
    expect(alertButtonTarget('4821:al-23456789')).toEqual({ id: 'al-23456789' });
    expect(alertButtonTarget('4821')).toEqual({ code: '4821' });
  });

  it('ignores anything else', () => {
    for (const v of [undefined, '', '<!here>', '4821:', '4821:x-1', 'al-1', '4821:al-1:2', '1234567890123']) expect(alertButtonTarget(v)).toBeUndefined();
  });
});
