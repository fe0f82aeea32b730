// Per-line bookkeeping shared by the import's two passes: line flags and per-batch digests of the lines.
import { createHash, type Hash } from "node:crypto";

/** What the apply pass must do with a line (lines without a flag are events stored as they are written). */
export const LINE_BLANK = 1;
/** An event whose id was already applied (earlier in the file or in the store) with the same content. */
export const LINE_DUPLICATE = 2;
/** An event not in normal form (key order, spelling, spacing): stored as its normalised JSON. */
export const LINE_NORMALIZE = 3;

/** Per-line flags, allocated only when a line needs one (a file in normal form costs nothing). */
export class LineFlags {
  #f: Uint8Array | undefined;
  set(line: number, flag: number): void {
    if (!this.#f || line >= this.#f.length) {
      const next = new Uint8Array(Math.max(line + 1, (this.#f?.length ?? 4096) * 2));
      if (this.#f) next.set(this.#f);
      this.#f = next;
    }
    this.#f[line] = flag;
  }
  get(line: number): number {
    return this.#f !== undefined && line < this.#f.length ? this.#f[line]! : 0;
  }
}

/**
 * The digest of one commit batch: the lines after `from`, each followed by LF, `batchSize` events per batch.
 * Consecutive lines that end in LF in the same buffer are hashed as one run of bytes (one update, not two per
 * line); a line whose LF was not right after it (CRLF, the last line, a line joined across chunks) is hashed
 * as its bytes and an LF, which is the same digest.
 */
export class BatchDigests {
  #h: Hash = createHash("sha256");
  #events = 0;
  #run: Buffer | undefined;
  #runStart = 0;
  #runEnd = 0;
  readonly digests: Buffer[] = [];
  constructor(readonly batchSize: number) {}
  /** Adds the line `buf[start, end)` (`event`: not blank); returns true when the line closes a batch. */
  add(buf: Buffer, start: number, end: number, event: boolean): boolean {
    if (buf === this.#run && start === this.#runEnd) this.#runEnd = end + 1;
    else {
      this.#flush();
      this.#run = buf;
      this.#runStart = start;
      this.#runEnd = end + 1;
    }
    if (buf[end] !== LF) {
      // The line's LF is not in the buffer right after it: hash the line and an LF.
      this.#runEnd = end;
      this.#flush();
      this.#h.update("\n");
    }
    if (!event || ++this.#events < this.batchSize) return false;
    this.close();
    return true;
  }
  #flush(): void {
    if (this.#run !== undefined && this.#runEnd > this.#runStart)
      this.#h.update(this.#run.subarray(this.#runStart, this.#runEnd));
    this.#run = undefined;
  }
  /** Closes the current batch (also the last, partial one). */
  close(): void {
    this.#flush();
    this.digests.push(this.#h.digest());
    this.#h = createHash("sha256");
    this.#events = 0;
  }
}

const LF = 0x0a;
