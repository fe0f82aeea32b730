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

/** A cursor over one line; `fail` set once the line leaves the normal form. */
class Cursor {
  at: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
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
   * such a string as itself), else undefined.
   */
  str(): string | undefined {
    const { buf, end } = this;
    if (buf[this.at] !== QUOTE) return undefined;
    const from = this.at + 1;
    let at = from;
    for (; at < end; at++) {
      const c = buf[at]!;
      if (c === QUOTE) break;
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return undefined;
    }
    const len = at - from;
    if (at >= end || len === 0 || len > MAX_ID_LENGTH) return undefined;
    this.at = at + 1;
    return buf.toString("latin1", from, at);
  }

  /** An id in normal form: an integer, or a string that is not all digits (those are integers). */
  id(): DelegationId | undefined {
    if (this.buf[this.at] !== QUOTE) {
      const n = this.int();
      return n < 0 ? undefined : n;
    }
    const s = this.str();
    if (s === undefined) return undefined;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < ZERO || c > NINE) return s;
    }
    return undefined;
  }

  /** `[`-opened scope list in normal form: ids, no repeats, at most MAX_SCOPES_PER_EVENT. */
  scopes(): DelegationId[] | undefined {
    const out: DelegationId[] = [];
    for (;;) {
      const s = this.id();
      if (s === undefined || out.includes(s) || out.length === MAX_SCOPES_PER_EVENT) return undefined;
      out.push(s);
      const c = this.buf[this.at++];
      if (c === CLOSE_BRACKET) return out;
      if (c !== COMMA) return undefined;
    }
  }
}

/**
 * The event of a line when its bytes are exactly the normal form (`JSON.stringify(parseEvent(JSON.parse(line)))`
 * = the line) in printable ASCII; undefined for any other line — valid or not, the caller then takes the
 * JSON.parse path, which decides. A defined result equals what that path yields (property-tested).
 */
export function parseNormalEvent(buf: Buffer, start: number, end: number): DelegationEvent | undefined {
  const c = new Cursor(buf, start, end);
  const grant = c.take(GRANT);
  if (!grant && !c.take(REVOKE)) return undefined;
  const delegator = c.id();
  if (delegator === undefined || !c.take(PROVIDER)) return undefined;
  const provider = c.id();
  if (provider === undefined) return undefined;
  let scopes: DelegationId[] | undefined;
  if (c.take(SCOPES)) {
    scopes = c.scopes();
    if (scopes === undefined) return undefined;
  } else if (grant) return undefined;
  if (!c.take(AT)) return undefined;
  const at = c.int();
  if (at < 0) return undefined;
  let expiresAt = -1;
  if (grant && c.take(EXPIRES)) {
    expiresAt = c.int();
    if (expiresAt <= at) return undefined;
  }
  let id: string | undefined;
  if (c.take(ID)) {
    id = c.str();
    if (id === undefined) return undefined;
  }
  if (c.at !== end - 1 || buf[c.at] !== CLOSE_BRACE) return undefined;
  // Key order as parseEvent builds it (the normal form).
  if (grant) {
    const e: { -readonly [K in keyof DelegationEvent]?: unknown } = {
      op: "grant",
      delegator,
      provider,
      scopes,
      at,
    };
    if (expiresAt >= 0) (e as { expiresAt?: number }).expiresAt = expiresAt;
    if (id !== undefined) e.id = id;
    return e as DelegationEvent;
  }
  const e: { -readonly [K in keyof DelegationEvent]?: unknown } =
    scopes === undefined
      ? { op: "revoke", delegator, provider, at }
      : { op: "revoke", delegator, provider, scopes, at };
  if (id !== undefined) e.id = id;
  return e as DelegationEvent;
}
