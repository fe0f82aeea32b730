// Streaming line splitter over bytes (the import's apply pass): no UTF-8 decoding, same line numbers as lines.ts.
import { InputRangeError } from "../errors/input-errors.js";
import { MAX_LINE_LENGTH } from "./lines.js";

const LF = 0x0a;
const CR = 0x0d;
// lines.ts limits UTF-16 units; one unit takes at most 3 UTF-8 bytes, so no line the text pass took is refused.
const MAX_LINE_BYTES = 3 * MAX_LINE_LENGTH + 3;

/**
 * Calls `onLine(buf, start, end, lineNumber)` for every line of `source`, with the line's bytes at
 * `buf[start, end)` (LF or CRLF removed; a final line without newline counts), numbered exactly as `forEachLine`
 * numbers them, so a pass over bytes lines up with a pass over text. A UTF-8 byte-order mark at the start is
 * skipped, as TextDecoder skips it. Each chunk is copied once, so the line views stay valid after the source
 * reuses its buffers. `onChunk` runs after each chunk's lines.
 * @throws {RangeError} for a line longer than 3 × MAX_LINE_LENGTH bytes.
 */
export async function forEachLineBytes(
  source: AsyncIterable<Uint8Array>,
  onLine: (buf: Buffer, start: number, end: number, line: number) => void,
  onChunk?: (chunk: Uint8Array) => void | Promise<void>,
): Promise<number> {
  let carry: Buffer | undefined;
  let line = 0;
  let first = true;
  const emit = (buf: Buffer, start: number, end: number) => {
    line++;
    if (first) {
      first = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf)
        start += 3;
    }
    onLine(buf, start, end > start && buf[end - 1] === CR ? end - 1 : end, line);
  };
  for await (const chunk of source) {
    const buf = Buffer.from(chunk);
    let start = 0;
    let nl = buf.indexOf(LF);
    if (carry) {
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        if (carry.length > MAX_LINE_BYTES) throw new InputRangeError(`line ${line + 1} is too long`);
        await onChunk?.(chunk);
        continue;
      }
      const joined = Buffer.concat([carry, buf.subarray(0, nl)]);
      carry = undefined;
      emit(joined, 0, joined.length);
      start = nl + 1;
      nl = buf.indexOf(LF, start);
    }
    for (; nl >= 0; nl = buf.indexOf(LF, start)) {
      emit(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) {
      carry = buf.subarray(start);
      if (carry.length > MAX_LINE_BYTES) throw new InputRangeError(`line ${line + 1} is too long`);
    }
    await onChunk?.(chunk);
  }
  if (carry && carry.length > 0) emit(carry, 0, carry.length);
  return line;
}
