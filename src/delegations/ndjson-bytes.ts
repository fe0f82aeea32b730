// A growing byte buffer for NDJSON written without a string per row, handed on in ~64 KiB text chunks.
const dec = new TextDecoder();
const FLUSH_AT = 1 << 16;

/** The byte buffer behind the verdict writers: raw byte runs, decimal integers, chunked flushes. */
export class NdjsonBytes {
  #buf = new Uint8Array(FLUSH_AT + 4096);
  #n = 0;

  /** `sink` receives each text chunk (awaited: backpressure). */
  constructor(private readonly sink: (chunk: string) => void | Promise<void>) {}

  /** Makes room for `k` more bytes. */
  room(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    const b = new Uint8Array((this.#n + k) * 2);
    b.set(this.#buf.subarray(0, this.#n));
    this.#buf = b;
  }

  /** Appends bytes (within the room made). */
  raw(b: Uint8Array): void {
    this.#buf.set(b, this.#n);
    this.#n += b.length;
  }

  /** Appends the decimal digits of a non-negative safe integer (within the room made). */
  int(v: number): void {
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
}
