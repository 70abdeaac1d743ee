/**
 * RouterOS API framing (integration facts §3.1): a word is a length prefix plus that many bytes, a
 * sentence is words closed by an empty word. Words are handled as latin1 so every byte survives the
 * round trip whatever code page the client used (node-routeros writes win1252).
 */

/** First prefix byte at or above this is a reserved control byte: nothing after it can be framed. */
const FIRST_CONTROL_BYTE = 0xf8;

export class WireError extends Error {}

export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new WireError(`word length ${length} cannot be encoded`);
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x4000) return uint(length | 0x8000, 2);
  if (length < 0x200000) return uint(length | 0xc00000, 3);
  if (length < 0x10000000) return uint((length | 0xe0000000) >>> 0, 4);
  return Buffer.concat([Buffer.from([0xf0]), uint(length, 4)]);
}

/** Reads a length prefix at `offset`: undefined when the buffer ends inside it. */
export function decodeLength(buffer: Buffer, offset = 0): { length: number; size: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const first = buffer[offset]!;
  if (first >= FIRST_CONTROL_BYTE) throw new WireError(`reserved control byte 0x${first.toString(16)}`);
  const size = first < 0x80 ? 1 : first < 0xc0 ? 2 : first < 0xe0 ? 3 : first < 0xf0 ? 4 : 5;
  if (offset + size > buffer.length) return undefined;
  if (size === 5) return { length: buffer.readUInt32BE(offset + 1), size };
  const masks = [0x7f, 0x3fff, 0x1fffff, 0xfffffff];
  return { length: buffer.readUIntBE(offset, size) & masks[size - 1]!, size };
}

export function encodeWord(word: string): Buffer {
  const bytes = Buffer.from(word, 'latin1');
  return Buffer.concat([encodeLength(bytes.length), bytes]);
}

export function encodeSentence(words: readonly string[]): Buffer {
  return Buffer.concat([...words.map(encodeWord), Buffer.from([0])]);
}

/** Turns TCP chunks, cut anywhere (even inside a length prefix), back into whole sentences. */
export class SentenceDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private words: string[] = [];

  push(chunk: Buffer): string[][] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const sentences: string[][] = [];
    let offset = 0;
    for (;;) {
      const prefix = decodeLength(this.pending, offset);
      if (!prefix || offset + prefix.size + prefix.length > this.pending.length) break;
      const start = offset + prefix.size;
      offset = start + prefix.length;
      if (prefix.length === 0) {
        sentences.push(this.words);
        this.words = [];
      } else {
        this.words.push(this.pending.toString('latin1', start, offset));
      }
    }
    this.pending = this.pending.subarray(offset);
    return sentences;
  }
}

function uint(value: number, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  buffer.writeUIntBE(value, 0, bytes);
  return buffer;
}
