// bincode (1.3, fixint little-endian) shapes of freenet-stdlib 0.8.5's contract interface messages.
import { InputRangeError } from "../../errors/input-errors.js";

/** `ValidateResult` of `validate_state`. */
export type ContractValidateResult =
  | { readonly kind: "Valid" }
  | { readonly kind: "Invalid" }
  | { readonly kind: "RequestRelated"; readonly count: number };

/** `ContractError` variants (freenet-stdlib `contract_interface/error.rs`, in declaration order). */
export type ContractErrorValue =
  | { readonly kind: "Deser"; readonly message: string }
  | { readonly kind: "InvalidUpdate" }
  | { readonly kind: "InvalidUpdateWithInfo"; readonly message: string }
  | { readonly kind: "InvalidState" }
  | { readonly kind: "InvalidDelta" }
  | { readonly kind: "Other"; readonly message: string };

/** One `UpdateData` item passed to `update_state`. */
export type ContractUpdate =
  | { readonly kind: "State"; readonly state: Uint8Array }
  | { readonly kind: "Delta"; readonly delta: Uint8Array };

const utf8 = new TextDecoder("utf-8", { fatal: false });

function u64le(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** bincode of an empty `RelatedContracts { map: HashMap }`: a zero u64 length. */
export const EMPTY_RELATED_CONTRACTS = u64le(0);

/** bincode of `Vec<UpdateData>`: u64 count, then per item a u32 variant index and the u64-prefixed bytes. */
export function encodeUpdates(updates: readonly ContractUpdate[]): Uint8Array {
  const parts: Uint8Array[] = [u64le(updates.length)];
  for (const u of updates) {
    const tag = new Uint8Array(4);
    tag[0] = u.kind === "State" ? 0 : 1; // UpdateData::State = 0, ::Delta = 1
    const body = u.kind === "State" ? u.state : u.delta;
    parts.push(tag, u64le(body.length), body);
  }
  return concat(parts);
}

/** A bincode cursor over a contract's result bytes. */
class Bin {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  fail(): never {
    throw new InputRangeError("contract result is not valid bincode");
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) this.fail();
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u8(): number {
    return this.take(1)[0]!;
  }
  u32(): number {
    const t = this.take(4);
    return new DataView(t.buffer, t.byteOffset, 4).getUint32(0, true);
  }
  len(): number {
    const t = this.take(8);
    const n = new DataView(t.buffer, t.byteOffset, 8).getBigUint64(0, true);
    if (n > BigInt(this.b.length)) this.fail();
    return Number(n);
  }
  bytes(): Uint8Array {
    return this.take(this.len()).slice();
  }
  string(): string {
    return utf8.decode(this.bytes());
  }
}

function readError(r: Bin): ContractErrorValue {
  const v = r.u32();
  if (v === 0) return { kind: "Deser", message: r.string() };
  if (v === 1) return { kind: "InvalidUpdate" };
  if (v === 2) return { kind: "InvalidUpdateWithInfo", message: r.string() };
  if (v === 3) return { kind: "InvalidState" };
  if (v === 4) return { kind: "InvalidDelta" };
  if (v === 5) return { kind: "Other", message: r.string() };
  return r.fail();
}

/** Decodes `Result<ValidateResult, ContractError>`. */
export function decodeValidateResult(
  bytes: Uint8Array,
): { ok: true; value: ContractValidateResult } | { ok: false; error: ContractErrorValue } {
  const r = new Bin(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  const v = r.u32();
  if (v === 0) return { ok: true, value: { kind: "Valid" } };
  if (v === 1) return { ok: true, value: { kind: "Invalid" } };
  if (v === 2) return { ok: true, value: { kind: "RequestRelated", count: r.len() } };
  return r.fail();
}

/** Decodes `Result<UpdateModification, ContractError>` to the new state (null when none). */
export function decodeUpdateResult(
  bytes: Uint8Array,
): { ok: true; newState: Uint8Array | null } | { ok: false; error: ContractErrorValue } {
  const r = new Bin(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  const some = r.u8();
  return { ok: true, newState: some === 1 ? r.bytes() : null };
}

/** Decodes `Result<StateSummary | StateDelta, ContractError>` (both a u64-prefixed byte string). */
export function decodeBytesResult(
  bytes: Uint8Array,
): { ok: true; bytes: Uint8Array } | { ok: false; error: ContractErrorValue } {
  const r = new Bin(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  return { ok: true, bytes: r.bytes() };
}
