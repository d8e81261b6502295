/** Keeps the first `limit` bytes of a stream and counts the rest, so a chatty action cannot exhaust memory. */
export class OutputBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  /** The kept text; a truncation marker says how many bytes were dropped. */
  text(): string {
    return withTruncation(Buffer.concat(this.chunks).toString('utf8'), this.dropped);
  }
}

/** `text` and, when bytes were cut off past the limit, the marker saying how many (final and live output alike). */
export function withTruncation(text: string, dropped: number): string {
  return dropped > 0 ? `${text}\n…[truncated ${dropped} bytes]` : text;
}
