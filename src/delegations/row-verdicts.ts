// Byte-level NDJSON verdicts for DSNP batch rows (`{"row":N,"fromId":D,"verdict":…}`): no string per row,
// handed on in ~64 KiB chunks (the same approach as verdict-writer.ts, with the row and fromId fields).
const enc = new TextEncoder();
const dec = new TextDecoder();
const FLUSH_AT = 1 << 16;
const T = {
  row: enc.encode('{"row":'),
  fromId: enc.encode(',"fromId":'),
  authorized: enc.encode(',"verdict":"authorized","from":'),
  until: enc.encode(',"until":'),
  revokedAt: enc.encode(',"revokedAt":'),
  unauthorized: enc.encode(',"verdict":"unauthorized"}\n'),
  invalid: enc.encode(',"verdict":"invalid","error":'),
  null: enc.encode("null"),
  end: enc.encode("}\n"),
};

/** Accumulates row verdicts as bytes and passes ~64 KiB text chunks to `sink` (awaited: backpressure). */
export class RowVerdictWriter {
  #buf = new Uint8Array(FLUSH_AT + 4096);
  #n = 0;
  readonly #untilKey: Uint8Array;

  /** `inclusive`: the end is named `revokedAt` (Frequency: valid through it), else `until` (half-open). */
  constructor(
    private readonly sink: (chunk: string) => void | Promise<void>,
    inclusive: boolean,
  ) {
    this.#untilKey = inclusive ? T.revokedAt : T.until;
  }

  authorized(row: number, fromId: number, from: number, until: number | null): void {
    this.#head(row, fromId);
    this.#raw(T.authorized);
    this.#int(from);
    this.#raw(this.#untilKey);
    if (until === null) this.#raw(T.null);
    else this.#int(until);
    this.#raw(T.end);
  }

  unauthorized(row: number, fromId: number): void {
    this.#head(row, fromId);
    this.#raw(T.unauthorized);
  }

  invalid(row: number, message: string): void {
    const m = enc.encode(JSON.stringify(message));
    this.#room(64 + m.length);
    this.#raw(T.row);
    this.#int(row);
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

  #head(row: number, fromId: number): void {
    this.#room(160);
    this.#raw(T.row);
    this.#int(row);
    this.#raw(T.fromId);
    this.#int(fromId);
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
