// Byte-level NDJSON verdicts for DSNP batch rows (`{"row":N,"fromId":D,"verdict":…}`): no string per row,
// handed on in ~64 KiB chunks (the same buffer as verdict-writer.ts, with the row and fromId fields).
import { NdjsonBytes } from "./ndjson-bytes.js";

const enc = new TextEncoder();
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
  readonly #out: NdjsonBytes;
  readonly #untilKey: Uint8Array;

  /** `inclusive`: the end is named `revokedAt` (Frequency: valid through it), else `until` (half-open). */
  constructor(sink: (chunk: string) => void | Promise<void>, inclusive: boolean) {
    this.#out = new NdjsonBytes(sink);
    this.#untilKey = inclusive ? T.revokedAt : T.until;
  }

  authorized(row: number, fromId: number, from: number, until: number | null): void {
    const o = this.#out;
    this.#head(row, fromId);
    o.raw(T.authorized);
    o.int(from);
    o.raw(this.#untilKey);
    if (until === null) o.raw(T.null);
    else o.int(until);
    o.raw(T.end);
  }

  unauthorized(row: number, fromId: number): void {
    this.#head(row, fromId);
    this.#out.raw(T.unauthorized);
  }

  invalid(row: number, message: string): void {
    const o = this.#out;
    const m = enc.encode(JSON.stringify(message));
    o.room(64 + m.length);
    o.raw(T.row);
    o.int(row);
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

  #head(row: number, fromId: number): void {
    const o = this.#out;
    o.room(160);
    o.raw(T.row);
    o.int(row);
    o.raw(T.fromId);
    o.int(fromId);
  }
}
