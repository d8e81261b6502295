import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame } from '../../../src/spool/frame.ts';

const record = fc.record({
  id: fc.string({ minLength: 1, maxLength: 16 }),
  text: fc.string({ maxLength: 200 }),
  unicode: fc.string({ unit: 'grapheme', maxLength: 20 }),
  n: fc.integer(),
});
const file = (records: unknown[]) => Buffer.concat(records.map(encodeFrame));

describe('encodeFrame / decodeFrames', () => {
  it('reads back every record of a whole file, in order', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), (records) => {
        const buf = file(records);
        const d = decodeFrames(buf);
        expect(d.records).toEqual(records);
        expect(d.goodEnd).toBe(buf.length);
        expect(d.stopped).toBeUndefined();
      }),
    );
  });

  it('reads a prefix of the records from any cut of the file, never half a record', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 12 }), fc.nat(), (records, at) => {
        const buf = file(records);
        const cut = at % (buf.length + 1);
        const d = decodeFrames(buf.subarray(0, cut));
        expect(records.slice(0, d.records.length)).toEqual(d.records);
        // every whole record before the cut is read
        const whole = decodeFrames(buf).ends.filter((e) => e <= cut).length;
        expect(d.records.length).toBe(whole);
        expect(d.goodEnd).toBeLessThanOrEqual(cut);
        expect(d.stopped === undefined).toBe(d.goodEnd === cut);
      }),
    );
  });

  it('reads a prefix of the records from any cut followed by garbage', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 12 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 }), (records, at, junk) => {
        const buf = file(records);
        const cut = at % (buf.length + 1);
        const d = decodeFrames(Buffer.concat([buf.subarray(0, cut), Buffer.from(junk)]));
        expect(records.slice(0, d.records.length)).toEqual(d.records);
        // garbage may complete a record cut just before its newline, never more (it would need a CRC)
        expect(d.records.length).toBeLessThanOrEqual(decodeFrames(buf.subarray(0, cut)).records.length + 1);
      }),
    );
  });

  it('stops at a record whose bytes changed (checksum mismatch) and names the byte', () => {
    const buf = file([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const second = decodeFrames(buf).ends[0]!;
    const bad = Buffer.from(buf);
    bad[bad.indexOf('"b"', second) + 1] = 0x78; // "x": same length, another CRC
    const d = decodeFrames(bad);
    expect(d.records).toEqual([{ id: 'a' }]);
    expect(d.stopped).toBe(`checksum mismatch at byte ${second} (${buf.length - second} bytes not read)`);
  });

  it('frames one record as #length crc32 JSON and a newline', () => {
    expect(encodeFrame({ id: 'sp-1' }).toString()).toMatch(/^#13 [0-9a-f]{8} \{"id":"sp-1"\}\n$/);
  });
});
