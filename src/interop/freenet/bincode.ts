// bincode 1.x (fixint, little-endian) reading for freenet-stdlib's messages: one cursor for contract and delegate results.

const UTF8 = new TextDecoder("utf-8", { fatal: false });

/**
 * A sequential bincode reader (enum tags u32, lengths u64, bool u8). Any overrun, bad bool or length past the
 * end calls `fail` with what went wrong ("is truncated", "has an invalid bool", "has a length past its end").
 * @example const r = new BincodeReader(bytes, (why) => { throw new RangeError(`result ${why}`); }); r.u32();
 */
export class BincodeReader {
  #pos = 0;
  readonly #v: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly fail: (reason: string) => never,
  ) {
    this.#v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  #need(n: number): number {
    if (this.#pos + n > this.bytes.length) this.fail("is truncated");
    const p = this.#pos;
    this.#pos += n;
    return p;
  }
  /** One byte. */
  u8(): number {
    return this.#v.getUint8(this.#need(1));
  }
  /** A bool (0 or 1). */
  bool(): boolean {
    const b = this.u8();
    if (b > 1) this.fail("has an invalid bool");
    return b === 1;
  }
  /** A u32 (enum tags). */
  u32(): number {
    return this.#v.getUint32(this.#need(4), true);
  }
  /** A u64 length, at most the bytes left. */
  len(): number {
    const n = this.#v.getBigUint64(this.#need(8), true);
    if (n > BigInt(this.bytes.length - this.#pos)) this.fail("has a length past its end");
    return Number(n);
  }
  /** `n` bytes, copied. */
  fixed(n: number): Uint8Array {
    const p = this.#need(n);
    return this.bytes.slice(p, p + n);
  }
  /** A u64-prefixed byte string (`Vec<u8>`), copied. */
  vec(): Uint8Array {
    return this.fixed(this.len());
  }
  /** A u64-prefixed UTF-8 string (invalid sequences replaced). */
  string(): string {
    return UTF8.decode(this.vec());
  }
  /** True when every byte was read. */
  done(): boolean {
    return this.#pos === this.bytes.length;
  }
}
