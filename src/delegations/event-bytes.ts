// A byte-level reader of event lines already in normal form (the bulk import's common case); else: JSON.parse.
import type { DelegationEvent } from "./events.js";
import { MAX_SCOPES_PER_EVENT } from "./events.js";
import { type DelegationId, MAX_ID_LENGTH } from "./ids.js";

const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const BACKSLASH = 0x5c;

const ascii = (s: string) => Buffer.from(s, "latin1");
const GRANT = ascii('{"op":"grant","delegator":');
const REVOKE = ascii('{"op":"revoke","delegator":');
const PROVIDER = ascii(',"provider":');
const SCOPES = ascii(',"scopes":[');
const AT = ascii(',"at":');
const EXPIRES = ascii(',"expiresAt":');
const ID = ascii(',"id":');

/**
 * Layout of a packed event (`scanNormalEvent`), numbers from its offset: op (1 grant, 2 revoke), delegator (2),
 * provider (2), at, expiresAt (−1: none), id (2), scope count (−1: no list), then 2 per scope. A value takes two
 * numbers: (the integer, −1), or (offset of the string's bytes from the line's start, its length); an absent id
 * is (0, −1) — never a string, as an event id is. A packed event holds no string, so it crosses threads as a
 * typed array and `eventOfPacked` builds the event from the line's bytes.
 */
const P_OP = 0;
const P_DELEGATOR = 1;
const P_PROVIDER = 3;
const P_AT = 5;
const P_EXPIRES = 6;
const P_ID = 7;
const P_SCOPES = 9;
const OP_GRANT = 1;
const OP_REVOKE = 2;
const NO_STRING = -1;

/** The most numbers one packed event takes. */
export const PACKED_MAX = P_SCOPES + 1 + 2 * MAX_SCOPES_PER_EVENT;

/** A cursor over one line that writes what it reads into a packed event. */
class Cursor {
  at: number;
  constructor(
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    readonly out: Float64Array,
    readonly base: number,
  ) {
    this.at = start;
  }

  /** Consumes `lit` when the line continues with it. */
  take(lit: Uint8Array): boolean {
    const { buf, at } = this;
    if (at + lit.length > this.end) return false;
    for (let i = 0; i < lit.length; i++) if (buf[at + i] !== lit[i]) return false;
    this.at = at + lit.length;
    return true;
  }

  /** A canonical decimal integer in [0, 2^53−1] (no sign, no leading zero), else -1. */
  int(): number {
    const { buf, end } = this;
    const from = this.at;
    let at = from;
    let n = 0;
    while (at < end && buf[at]! >= ZERO && buf[at]! <= NINE) n = n * 10 + (buf[at++]! - ZERO);
    const digits = at - from;
    if (digits === 0 || digits > 16 || (digits > 1 && buf[from] === ZERO) || !Number.isSafeInteger(n))
      return -1;
    this.at = at;
    return n;
  }

  /**
   * A string of 1–MAX_ID_LENGTH printable ASCII characters without quote or backslash (JSON.stringify writes
   * such a string as itself) into `out[slot]`; false for any other value. `idLike`: refused when all digits
   * (such a string id is an integer id in normal form).
   */
  str(slot: number, idLike: boolean): boolean {
    const { buf, end } = this;
    if (buf[this.at] !== QUOTE) return false;
    const from = this.at + 1;
    let at = from;
    let digits = true;
    for (; at < end; at++) {
      const c = buf[at]!;
      if (c === QUOTE) break;
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return false;
      if (c < ZERO || c > NINE) digits = false;
    }
    const len = at - from;
    if (at >= end || len === 0 || len > MAX_ID_LENGTH || (idLike && digits)) return false;
    this.at = at + 1;
    this.out[this.base + slot] = from - this.start;
    this.out[this.base + slot + 1] = len;
    return true;
  }

  /** An id in normal form (an integer, or a string that is not all digits) into `out[slot]`. */
  id(slot: number): boolean {
    if (this.buf[this.at] === QUOTE) return this.str(slot, true);
    const n = this.int();
    if (n < 0) return false;
    this.out[this.base + slot] = n;
    this.out[this.base + slot + 1] = NO_STRING;
    return true;
  }

  /** True when the values in `out[a]` and `out[b]` are the same id. */
  same(a: number, b: number): boolean {
    const { out, buf, start } = this;
    const x = this.base + a;
    const y = this.base + b;
    const len = out[x + 1]!;
    if (len !== out[y + 1]) return false;
    if (len === NO_STRING) return out[x] === out[y];
    return buf.compare(buf, start + out[y]!, start + out[y]! + len, start + out[x]!, start + out[x]! + len) === 0;
  }

  /** `[`-opened scope list in normal form: ids, no repeats, at most MAX_SCOPES_PER_EVENT; returns the count. */
  scopes(): number {
    for (let n = 0; ; ) {
      if (n === MAX_SCOPES_PER_EVENT) return -1;
      const slot = P_SCOPES + 1 + 2 * n;
      if (!this.id(slot)) return -1;
      for (let i = 0; i < n; i++) if (this.same(P_SCOPES + 1 + 2 * i, slot)) return -1;
      n++;
      const c = this.buf[this.at++];
      if (c === CLOSE_BRACKET) return n;
      if (c !== COMMA) return -1;
    }
  }
}

/**
 * Packs the event of a line into `out` from `base` on when its bytes are exactly the normal form
 * (`JSON.stringify(parseEvent(JSON.parse(line)))` = the line) in printable ASCII; false for any other line —
 * valid or not, the caller then takes the JSON.parse path, which decides. `out` has PACKED_MAX numbers from `base`.
 */
export function scanNormalEvent(buf: Buffer, start: number, end: number, out: Float64Array, base = 0): boolean {
  const c = new Cursor(buf, start, end, out, base);
  const grant = c.take(GRANT);
  if (!grant && !c.take(REVOKE)) return false;
  out[base + P_OP] = grant ? OP_GRANT : OP_REVOKE;
  if (!c.id(P_DELEGATOR) || !c.take(PROVIDER) || !c.id(P_PROVIDER)) return false;
  out[base + P_SCOPES] = -1;
  if (c.take(SCOPES)) {
    const n = c.scopes();
    if (n < 0) return false;
    out[base + P_SCOPES] = n;
  } else if (grant) return false;
  if (!c.take(AT)) return false;
  const at = c.int();
  if (at < 0) return false;
  out[base + P_AT] = at;
  out[base + P_EXPIRES] = -1;
  if (grant && c.take(EXPIRES)) {
    const expiresAt = c.int();
    if (expiresAt <= at) return false;
    out[base + P_EXPIRES] = expiresAt;
  }
  out[base + P_ID + 1] = NO_STRING;
  if (c.take(ID) && !c.str(P_ID, false)) return false;
  return c.at === end - 1 && buf[c.at] === CLOSE_BRACE;
}

/** Numbers the packed event at `out[at]` takes. */
export function packedLength(out: Float64Array, at: number): number {
  return P_SCOPES + 1 + 2 * Math.max(0, out[at + P_SCOPES]!);
}

/** The value at `out[slot]` (a packed pair) with strings read from the line starting at `buf[start]`. */
function valueAt(buf: Buffer, start: number, out: Float64Array, slot: number): DelegationId {
  const len = out[slot + 1]!;
  if (len === NO_STRING) return out[slot]!;
  const from = start + out[slot]!;
  return buf.toString("latin1", from, from + len);
}

/** The event packed at `out[at]` from the line that starts at `buf[start]`. */
export function eventOfPacked(buf: Buffer, start: number, out: Float64Array, at: number): DelegationEvent {
  const delegator = valueAt(buf, start, out, at + P_DELEGATOR);
  const provider = valueAt(buf, start, out, at + P_PROVIDER);
  const n = out[at + P_SCOPES]!;
  let scopes: DelegationId[] | undefined;
  if (n >= 0) {
    scopes = new Array<DelegationId>(n);
    for (let i = 0; i < n; i++) scopes[i] = valueAt(buf, start, out, at + P_SCOPES + 1 + 2 * i);
  }
  const when = out[at + P_AT]!;
  const id = out[at + P_ID + 1] === NO_STRING ? undefined : (valueAt(buf, start, out, at + P_ID) as string);
  // Key order as parseEvent builds it (the normal form).
  if (out[at + P_OP] === OP_GRANT) {
    const e: { -readonly [K in keyof DelegationEvent]?: unknown } = {
      op: "grant",
      delegator,
      provider,
      scopes,
      at: when,
    };
    const expiresAt = out[at + P_EXPIRES]!;
    if (expiresAt >= 0) (e as { expiresAt?: number }).expiresAt = expiresAt;
    if (id !== undefined) e.id = id;
    return e as DelegationEvent;
  }
  const e: { -readonly [K in keyof DelegationEvent]?: unknown } =
    scopes === undefined
      ? { op: "revoke", delegator, provider, at: when }
      : { op: "revoke", delegator, provider, scopes, at: when };
  if (id !== undefined) e.id = id;
  return e as DelegationEvent;
}

const scratch = new Float64Array(PACKED_MAX);

/**
 * The event of a line when its bytes are exactly the normal form (`JSON.stringify(parseEvent(JSON.parse(line)))`
 * = the line) in printable ASCII; undefined for any other line — valid or not, the caller then takes the
 * JSON.parse path, which decides. A defined result equals what that path yields (property-tested).
 */
export function parseNormalEvent(buf: Buffer, start: number, end: number): DelegationEvent | undefined {
  return scanNormalEvent(buf, start, end, scratch) ? eventOfPacked(buf, start, scratch, 0) : undefined;
}
