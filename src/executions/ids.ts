/**
 * Execution ids: 8 characters of an alphabet without look-alikes (no 0/O, 1/l/I, no ':'), short
 * enough to type on a phone (`status k7hq3mzp`). 31^8 ≈ 8.5e11 values; the record store checks
 * for collisions atomically and asks for another id in the (rare) case of one.
 */
import { randomBytes } from 'node:crypto';

export const ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const ID_LENGTH = 8;

let pool = Buffer.alloc(0);
let offset = 0;
/** 16 random bytes from a pooled buffer: one randomBytes call per 256 ids. */
function randomChunk(): Buffer {
  if (offset + ID_LENGTH * 2 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  offset += ID_LENGTH * 2;
  return pool.subarray(offset - ID_LENGTH * 2, offset);
}

/** A fresh random id; never all digits (BullMQ refuses all-digit job ids). */
export function newExecutionId(): string {
  for (;;) {
    let id = '';
    // rejection sampling keeps every character equally likely: 248 = 8 * 31
    for (const byte of randomChunk()) {
      if (byte < 248) id += ID_ALPHABET[byte % ID_ALPHABET.length];
      if (id.length === ID_LENGTH) break;
    }
    if (id.length === ID_LENGTH && !/^\d+$/.test(id)) return id;
  }
}

/** True when `id` has the shape of an execution id (cheap check before touching Redis). */
export function isExecutionId(id: string): boolean {
  return id.length === ID_LENGTH && [...id].every((c) => ID_ALPHABET.includes(c));
}
