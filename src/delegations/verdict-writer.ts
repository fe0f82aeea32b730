// Byte-level NDJSON verdict output for batch validation: no string per row, flushed in 64 KiB chunks.
const enc = new TextEncoder();
const FLUSH_AT = 1 << 16;
const T = {
  line: enc.encode('{"line":'),
  authorized: enc.encode(',"verdict":"authorized","from":'),
  until: enc.encode(',"until":'),
  unauthorized: enc.encode(',"verdict":"unauthorized"}\n'),
  invalid: enc.encode(',"verdict":"invalid","error":'),
  null: enc.encode("null"),
  end: enc.encode("}\n"),
};

const dec = new TextDecoder();

/**
 * Accumulates verdict lines as bytes (no string per row) and hands ~64 KiB text chunks to `sink` (awaited:
 * backpressure).
 */
export class VerdictWriter {
  #buf = new Uint8Array(FLUSH_AT + 4096);
  #n = 0;

  constructor(private readonly sink: (chunk: string) => void | Promise<void>) {}

  authorized(line: number, from: number, until: number | null): void {
    this.#room(128);
    this.#raw(T.line);
    this.#int(line);
    this.#raw(T.authorized);
    this.#int(from);
    this.#raw(T.until);
    if (until === null) this.#raw(T.null);
    else this.#int(until);
    this.#raw(T.end);
  }

  unauthorized(line: number): void {
    this.#room(64);
    this.#raw(T.line);
    this.#int(line);
    this.#raw(T.unauthorized);
  }

  invalid(line: number, message: string): void {
    const m = enc.encode(JSON.stringify(message));
    this.#room(64 + m.length);
    this.#raw(T.line);
    this.#int(line);
    this.#raw(T.invalid);
    this.#raw(m);
    this.#raw(T.end);
  }

  /** Passes the buffered bytes on when at least 64 KiB are waiting. */
  async maybeFlush(): Promise<void> {
    if (this.#n >= FLUSH_AT) await this.flush();
  }

  /** Passes every buffered byte on. */
  async flush(): Promise<void> {
    if (this.#n === 0) return;
    const chunk = dec.decode(this.#buf.subarray(0, this.#n));
    this.#n = 0;
    await this.sink(chunk);
  }

  #room(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    const b = new Uint8Array((this.#n + k) * 2);
    b.set(this.#buf.subarray(0, this.#n));
    this.#buf = b;
  }

  #raw(b: Uint8Array): void {
    this.#buf.set(b, this.#n);
    this.#n += b.length;
  }

  /** Decimal digits of a non-negative safe integer. */
  #int(v: number): void {
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let i = this.#n + digits - 1;
    let x = v;
    do {
      this.#buf[i--] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
    this.#n += digits;
  }
}
