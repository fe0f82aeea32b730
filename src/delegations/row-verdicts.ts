// Byte-level NDJSON verdicts for DSNP batch rows (`{"row":N,"fromId":D,"verdict":…}`): no string per row,
// handed on in ~64 KiB chunks (verdict-writer.ts's buffer and bodies, with the row and fromId fields).
import { VerdictBytes } from "./verdict-writer.js";

const enc = new TextEncoder();
const T = {
  row: enc.encode('{"row":'),
  fromId: enc.encode(',"fromId":'),
};

/** Accumulates row verdicts as bytes and passes ~64 KiB text chunks to `sink` (awaited: backpressure). */
export class RowVerdictWriter extends VerdictBytes {
  authorized(row: number, fromId: number, from: number, until: number | null): void {
    this.#head(row, fromId);
    this.authorizedBody(from, until);
  }

  unauthorized(row: number, fromId: number): void {
    this.#head(row, fromId);
    this.unauthorizedBody();
  }

  invalid(row: number, message: string): void {
    const o = this.out;
    const m = this.encodeMessage(message);
    o.room(64 + m.length);
    o.raw(T.row);
    o.int(row);
    this.invalidBody(m);
  }

  #head(row: number, fromId: number): void {
    const o = this.out;
    o.room(160);
    o.raw(T.row);
    o.int(row);
    o.raw(T.fromId);
    o.int(fromId);
  }
}
