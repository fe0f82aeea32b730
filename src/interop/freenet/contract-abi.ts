// bincode (1.3, fixint little-endian) shapes of freenet-stdlib 0.8.5's contract interface messages.
import { concatBytes, u32le, u64le } from "../../crypto/bytes.js";
import { InputRangeError } from "../../errors/input-errors.js";
import { BincodeReader } from "./bincode.js";

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

/** bincode of an empty `RelatedContracts { map: HashMap }`: a zero u64 length. */
export const EMPTY_RELATED_CONTRACTS = u64le(0);

/** bincode of `Vec<UpdateData>`: u64 count, then per item a u32 variant index and the u64-prefixed bytes. */
export function encodeUpdates(updates: readonly ContractUpdate[]): Uint8Array {
  const parts: Uint8Array[] = [u64le(updates.length)];
  for (const u of updates) {
    const tag = u32le(u.kind === "State" ? 0 : 1); // UpdateData::State = 0, ::Delta = 1
    const body = u.kind === "State" ? u.state : u.delta;
    parts.push(tag, u64le(body.length), body);
  }
  return concatBytes(...parts);
}

/** A bincode cursor over a contract's result bytes; anything malformed is one error. */
function reader(bytes: Uint8Array): BincodeReader {
  return new BincodeReader(bytes, () => {
    throw new InputRangeError("contract result is not valid bincode");
  });
}

function readError(r: BincodeReader): ContractErrorValue {
  const v = r.u32();
  if (v === 0) return { kind: "Deser", message: r.string() };
  if (v === 1) return { kind: "InvalidUpdate" };
  if (v === 2) return { kind: "InvalidUpdateWithInfo", message: r.string() };
  if (v === 3) return { kind: "InvalidState" };
  if (v === 4) return { kind: "InvalidDelta" };
  if (v === 5) return { kind: "Other", message: r.string() };
  return r.fail("has an unknown variant");
}

/** Decodes `Result<ValidateResult, ContractError>`. */
export function decodeValidateResult(
  bytes: Uint8Array,
): { ok: true; value: ContractValidateResult } | { ok: false; error: ContractErrorValue } {
  const r = reader(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  const v = r.u32();
  if (v === 0) return { ok: true, value: { kind: "Valid" } };
  if (v === 1) return { ok: true, value: { kind: "Invalid" } };
  if (v === 2) return { ok: true, value: { kind: "RequestRelated", count: r.len() } };
  return r.fail("has an unknown variant");
}

/** Decodes `Result<UpdateModification, ContractError>` to the new state (null when none). */
export function decodeUpdateResult(
  bytes: Uint8Array,
): { ok: true; newState: Uint8Array | null } | { ok: false; error: ContractErrorValue } {
  const r = reader(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  const some = r.u8();
  return { ok: true, newState: some === 1 ? r.vec() : null };
}

/** Decodes `Result<StateSummary | StateDelta, ContractError>` (both a u64-prefixed byte string). */
export function decodeBytesResult(
  bytes: Uint8Array,
): { ok: true; bytes: Uint8Array } | { ok: false; error: ContractErrorValue } {
  const r = reader(bytes);
  if (r.u32() !== 0) return { ok: false, error: readError(r) };
  return { ok: true, bytes: r.vec() };
}
