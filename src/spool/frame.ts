/**
 * The spool's record frame (docs/contracts.md section 7, "When Redis is away"): one JSON value per
 * line, behind its byte length and CRC-32, so a torn write (a crash in the middle of an append) or
 * a damaged tail is recognised and never read as a record:
 *
 * ```
 * #<length in bytes, decimal> <crc32 of the JSON bytes, 8 hex digits> <JSON>\n
 * #57 1c291ca3 {"id":"sp-7k2m9x4q","input":{"text":"restart web",...}}\n
 * ```
 *
 * Pure: Buffers in, Buffers and values out.
 */
import { crc32 } from 'node:zlib';

/** The longest record accepted, in bytes of JSON (a command is at most `limits.command_length` characters). */
export const MAX_RECORD_BYTES = 1 << 20;

/**
 * @example
 * appendFileSync(path, encodeFrame({ id: 'sp-1' })) // '#11 5d6c8e2f {"id":"sp-1"}\n'
 */
export function encodeFrame(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.from(`#${json.length} ${crc32(json).toString(16).padStart(8, '0')} `, 'ascii');
  return Buffer.concat([head, json, NEWLINE]);
}

const NEWLINE = Buffer.from('\n');

export interface Decoded<T> {
  /** the records of the good prefix, in order */
  records: T[];
  /** where each record ends (byte offset just past its newline) */
  ends: number[];
  /** the length of the good prefix: every byte before it belongs to a whole, checked record */
  goodEnd: number;
  /** why decoding stopped before the end of `buf` (a torn or damaged tail), or undefined when it read all */
  stopped?: string;
}

/**
 * Reads the records of `buf` from the start up to the first frame that is incomplete or does not
 * check out (bad header, length, CRC, JSON or missing newline). Anything from there on is the tail:
 * reported in `stopped`, never returned as a record, whatever follows it.
 *
 * 1. `#`, 1 to 7 decimal digits (the length, at most MAX_RECORD_BYTES), a space;
 * 2. 8 lowercase hex digits (the CRC-32 of the JSON bytes), a space;
 * 3. exactly `length` bytes whose CRC-32 matches and which parse as JSON;
 * 4. a newline.
 *
 * @example
 * const { records, goodEnd, stopped } = decodeFrames(readFileSync(path));
 */
export function decodeFrames<T = unknown>(buf: Buffer): Decoded<T> {
  const records: T[] = [];
  const ends: number[] = [];
  let pos = 0;
  const stop = (why: string): Decoded<T> => ({ records, ends, goodEnd: pos, stopped: `${why} at byte ${pos} (${buf.length - pos} bytes not read)` });
  while (pos < buf.length) {
    // 1. the length
    if (buf[pos] !== 0x23 /* # */) return stop('no frame start');
    let i = pos + 1;
    let length = 0;
    while (i < buf.length && i - pos <= 7 && buf[i]! >= 0x30 && buf[i]! <= 0x39) length = length * 10 + (buf[i++]! - 0x30);
    if (i === pos + 1 || i >= buf.length) return stop('torn frame header');
    if (buf[i] !== 0x20 || length > MAX_RECORD_BYTES) return stop('bad frame length');
    // 2. the CRC
    const crcText = buf.toString('latin1', i + 1, i + 9);
    if (crcText.length < 8 || i + 9 >= buf.length) return stop('torn frame header');
    if (!/^[0-9a-f]{8}$/.test(crcText) || buf[i + 9] !== 0x20) return stop('bad frame checksum field');
    // 3. the JSON, 4. the newline
    const start = i + 10;
    const end = start + length;
    if (end + 1 > buf.length) return stop('torn record');
    if (buf[end] !== 0x0a) return stop('record not ended by a newline');
    const json = buf.subarray(start, end);
    if (crc32(json) !== Number.parseInt(crcText, 16)) return stop('checksum mismatch');
    let value: T;
    try {
      value = JSON.parse(json.toString('utf8')) as T;
    } catch {
      return stop('record is not JSON');
    }
    records.push(value);
    pos = end + 1;
    ends.push(pos);
  }
  return { records, ends, goodEnd: pos };
}
