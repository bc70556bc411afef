/** The last few kilobytes of a stream of output (what a report shows of a command's stdout or stderr). */
export const DEFAULT_TAIL_BYTES = 4096;

export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = DEFAULT_TAIL_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.maxBytes) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** The tail as text; a character cut in half at the start is dropped. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    return decodeTail(all.subarray(Math.max(0, all.length - this.maxBytes)));
  }
}

/** Decodes UTF-8 bytes that may start in the middle of a character. */
export function decodeTail(bytes: Buffer): string {
  let start = 0;
  // skip continuation bytes (10xxxxxx) of a character whose first bytes were cut off
  while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

/** The last non-empty line of a text, trimmed ('' when there is none). */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
