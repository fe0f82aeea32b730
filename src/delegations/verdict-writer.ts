// Byte-level NDJSON verdict output for batch validation: no string per row, flushed in 64 KiB chunks.
import { NdjsonBytes } from "./ndjson-bytes.js";

const enc = new TextEncoder();
const T = {
  line: enc.encode('{"line":'),
  authorized: enc.encode(',"verdict":"authorized","from":'),
  until: enc.encode(',"until":'),
  unauthorized: enc.encode(',"verdict":"unauthorized"}\n'),
  invalid: enc.encode(',"verdict":"invalid","error":'),
  null: enc.encode("null"),
  end: enc.encode("}\n"),
};

/**
 * Accumulates verdict lines as bytes (no string per row) and hands ~64 KiB text chunks to `sink` (awaited:
 * backpressure).
 */
export class VerdictWriter {
  readonly #out: NdjsonBytes;

  constructor(sink: (chunk: string) => void | Promise<void>) {
    this.#out = new NdjsonBytes(sink);
  }

  authorized(line: number, from: number, until: number | null): void {
    const o = this.#out;
    o.room(128);
    o.raw(T.line);
    o.int(line);
    o.raw(T.authorized);
    o.int(from);
    o.raw(T.until);
    if (until === null) o.raw(T.null);
    else o.int(until);
    o.raw(T.end);
  }

  unauthorized(line: number): void {
    const o = this.#out;
    o.room(64);
    o.raw(T.line);
    o.int(line);
    o.raw(T.unauthorized);
  }

  invalid(line: number, message: string): void {
    const o = this.#out;
    const m = enc.encode(JSON.stringify(message));
    o.room(64 + m.length);
    o.raw(T.line);
    o.int(line);
    o.raw(T.invalid);
    o.raw(m);
    o.raw(T.end);
  }

  /** Passes the buffered bytes on when at least 64 KiB are waiting. */
  maybeFlush(): Promise<void> {
    return this.#out.maybeFlush();
  }

  /** Passes every buffered byte on. */
  flush(): Promise<void> {
    return this.#out.flush();
  }
}
