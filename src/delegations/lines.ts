// Streaming line splitter: constant memory, synchronous per-line callback (no await per line), 1-based numbers.
import { InputRangeError } from "../errors/input-errors.js";

/** Longest accepted line (bytes of UTF-16 text); longer lines are refused rather than buffered forever. */
export const MAX_LINE_LENGTH = 1 << 20;

/**
 * Calls `onLine(text, lineNumber)` for every line of `source` (LF or CRLF; a final line without newline counts).
 * `onChunk(chunk)` runs after each chunk's lines (progress, hashing). Awaiting happens only between chunks.
 * @throws {RangeError} for a line longer than MAX_LINE_LENGTH or invalid UTF-8.
 */
export async function forEachLine(
  source: AsyncIterable<Uint8Array>,
  onLine: (text: string, line: number) => void,
  onChunk?: (chunk: Uint8Array) => void | Promise<void>,
): Promise<number> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let carry = "";
  let line = 0;
  const emit = (text: string) => {
    line++;
    onLine(text.endsWith("\r") ? text.slice(0, -1) : text, line);
  };
  for await (const chunk of source) {
    let text: string;
    try {
      text = carry + decoder.decode(chunk, { stream: true });
    } catch {
      throw new InputRangeError(`line ${line + 1}: input is not valid UTF-8`);
    }
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      emit(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_LENGTH) throw new InputRangeError(`line ${line + 1} is too long`);
    await onChunk?.(chunk);
  }
  let rest: string;
  try {
    rest = carry + decoder.decode();
  } catch {
    throw new InputRangeError(`line ${line + 1}: input is not valid UTF-8`);
  }
  if (rest.length > 0) emit(rest);
  return line;
}
