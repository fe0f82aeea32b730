// Byte-level NDJSON verdict output for batch validation: no string per row, flushed in 64 KiB chunks.
import { NdjsonBytes } from "./ndjson-bytes.js";

const enc = new TextEncoder();
const T = {
  line: enc.encode('{"line":'),
  authorized: enc.encode(',"verdict":"authorized","from":'),
  until: enc.encode(',"until":'),
  revokedAt: enc.encode(',"revokedAt":'),
  unauthorized: enc.encode(',"verdict":"unauthorized"}\n'),
  invalid: enc.encode(',"verdict":"invalid","error":'),
  null: enc.encode("null"),
  end: enc.encode("}\n"),
};

/**
 * What every verdict writer shares: the buffer handing ~64 KiB text chunks to `sink` (awaited: backpressure)
 * and each verdict after its head. A subclass makes room and writes the head (`{"line":N` here, `{"row":N,…`
 * for DSNP rows), then one body.
 */
export abstract class VerdictBytes {
  protected readonly out: NdjsonBytes;
  readonly #untilKey: Uint8Array;

  /** `inclusive`: the end is named `revokedAt` (Frequency: valid through it), else `until` (half-open). */
  constructor(sink: (chunk: string) => void | Promise<void>, inclusive: boolean) {
    this.out = new NdjsonBytes(sink);
    this.#untilKey = inclusive ? T.revokedAt : T.until;
  }

  /** Passes the buffered bytes on when at least 64 KiB are waiting. */
  maybeFlush(): Promise<void> {
    return this.out.maybeFlush();
  }

  /** Passes every buffered byte on. */
  flush(): Promise<void> {
    return this.out.flush();
  }

  /** `,"verdict":"authorized","from":F,"until":U}` and the newline (within 64 bytes). */
  protected authorizedBody(from: number, until: number | null): void {
    const o = this.out;
    o.raw(T.authorized);
    o.int(from);
    o.raw(this.#untilKey);
    if (until === null) o.raw(T.null);
    else o.int(until);
    o.raw(T.end);
  }

  /** `,"verdict":"unauthorized"}` and the newline. */
  protected unauthorizedBody(): void {
    this.out.raw(T.unauthorized);
  }

  /** `,"verdict":"invalid","error":"…"}` and the newline; `message` from `encodeMessage` (head + 64 bytes of room). */
  protected invalidBody(message: Uint8Array): void {
    const o = this.out;
    o.raw(T.invalid);
    o.raw(message);
    o.raw(T.end);
  }

  /** An error message as the JSON string bytes `invalidBody` writes. */
  protected encodeMessage(message: string): Uint8Array {
    return enc.encode(JSON.stringify(message));
  }
}

/** Verdict lines of a batch validation, `{"line":N,"verdict":…}`. */
export class VerdictWriter extends VerdictBytes {
  constructor(sink: (chunk: string) => void | Promise<void>) {
    super(sink, false);
  }

  authorized(line: number, from: number, until: number | null): void {
    this.#head(line, 128);
    this.authorizedBody(from, until);
  }

  unauthorized(line: number): void {
    this.#head(line, 64);
    this.unauthorizedBody();
  }

  invalid(line: number, message: string): void {
    const m = this.encodeMessage(message);
    this.#head(line, 64 + m.length);
    this.invalidBody(m);
  }

  #head(line: number, room: number): void {
    const o = this.out;
    o.room(room);
    o.raw(T.line);
    o.int(line);
  }
}
