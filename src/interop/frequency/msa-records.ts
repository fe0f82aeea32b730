// One line of a Frequency msa dump: an msa event (as polkadot.js decodes it: `toHuman()` or `toJSON()` shapes,
// camelCase fields) with its block number and the `DelegatorAndProviderToDelegation` value read at that block.
// Source of the shapes: frequency-chain/frequency pallets/msa/src/lib.rs (Event, Delegation storage).
import { InputRangeError, InputTypeError } from "../../errors/input-errors.js";

/** msa events that change or close delegations; MsaCreated, ProviderCreated and other msa events change none. */
export type DelegationMethod = "DelegationGranted" | "DelegationUpdated" | "DelegationRevoked";

/** `Delegation { revoked_at, permissions: BTreeMap<IntentId, BlockNumber> }`, 0 = not revoked. */
export interface DelegationValue {
  readonly revokedAt: number;
  /** [intentId, revokedAt] in ascending intent order. */
  readonly permissions: readonly (readonly [number, number])[];
}

/** A parsed dump line. */
export type MsaRecord =
  | {
      readonly kind: "delegation";
      readonly block: number;
      readonly method: DelegationMethod;
      readonly delegator: number;
      readonly provider: number;
      /** The storage value at `block` (after the block), null when there is none. */
      readonly delegation: DelegationValue | null;
    }
  | { readonly kind: "retired"; readonly block: number; readonly msaId: number }
  | { readonly kind: "other"; readonly block: number; readonly method: string };

const DELEGATION_METHODS = new Set(["DelegationGranted", "DelegationUpdated", "DelegationRevoked"]);
const TOP_FIELDS = new Set(["block", "event", "delegation"]);
// toHuman() prints integers with thousands separators ("1,234"); toJSON() prints numbers (or hex for u128+).
const HUMAN_INT = /^(0|[1-9]\d{0,2}(,\d{3})*|[1-9]\d*)$/;

/**
 * A block number, MSA id, intent id or revokedAt: an integer 0 … 2^53−1 written as a JSON number, a decimal
 * string, or polkadot.js `toHuman()` text with thousands separators.
 * @throws {TypeError|RangeError} naming `name`.
 */
export function msaInteger(value: unknown, name: string): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new InputRangeError(`${name} must be an integer between 0 and 2^53-1`);
    return value;
  }
  if (typeof value !== "string") throw new InputTypeError(`${name} must be an integer or a decimal string`);
  if (!HUMAN_INT.test(value)) throw new InputRangeError(`${name} must be a decimal integer`);
  const n = Number(value.replaceAll(",", ""));
  if (!Number.isSafeInteger(n)) throw new InputRangeError(`${name} must be between 0 and 2^53-1`);
  return n;
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InputTypeError(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Parses a `Delegation` storage value (`Option<Delegation>`: null = none). */
export function parseDelegationValue(value: unknown, name: string): DelegationValue | null {
  if (value === null) return null;
  const o = object(value, name);
  for (const k of Object.keys(o))
    if (k !== "revokedAt" && k !== "permissions")
      throw new InputRangeError(`${name}: unknown field ${JSON.stringify(k.slice(0, 40))}`);
  const revokedAt = msaInteger(o.revokedAt, `${name}.revokedAt`);
  const perms = object(o.permissions ?? {}, `${name}.permissions`);
  const permissions = Object.entries(perms)
    .map(
      ([k, v]) =>
        [msaInteger(k, `${name}.permissions key`), msaInteger(v, `${name}.permissions value`)] as const,
    )
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < permissions.length; i++)
    if (permissions[i]![0] === permissions[i - 1]![0])
      throw new InputRangeError(`${name}.permissions lists intent ${permissions[i]![0]} twice`);
  return { revokedAt, permissions };
}

/**
 * Parses one dump line: `{"block":N,"event":{"section":"msa","method":M,"data":{…}},"delegation":V}` —
 * `delegation` required for DelegationGranted/Updated/Revoked (null allowed only for none), absent otherwise.
 * Events of other sections are refused (the dump is of msa events only).
 * @throws {TypeError|RangeError} naming the field.
 * @example parseMsaRecord(JSON.parse('{"block":100,"event":{"section":"msa","method":"MsaRetired","data":{"msaId":"7"}}}'));
 */
export function parseMsaRecord(value: unknown): MsaRecord {
  const o = object(value, "line");
  for (const k of Object.keys(o))
    if (!TOP_FIELDS.has(k)) throw new InputRangeError(`unknown field ${JSON.stringify(k.slice(0, 40))}`);
  const block = msaInteger(o.block, "block");
  const event = object(o.event, "event");
  if (event.section !== "msa") throw new InputRangeError('event.section must be "msa"');
  if (typeof event.method !== "string" || event.method.length === 0 || event.method.length > 64)
    throw new InputTypeError("event.method must be an event name");
  const method = event.method;
  const data = object(event.data ?? {}, "event.data");
  if (DELEGATION_METHODS.has(method)) {
    if (!("delegation" in o))
      throw new InputRangeError(`delegation (the storage value at block ${block}) is required for ${method}`);
    return {
      kind: "delegation",
      block,
      method: method as DelegationMethod,
      delegator: msaInteger(data.delegatorId, "event.data.delegatorId"),
      provider: msaInteger(data.providerId, "event.data.providerId"),
      delegation: parseDelegationValue(o.delegation, "delegation"),
    };
  }
  if (method === "MsaRetired")
    return { kind: "retired", block, msaId: msaInteger(data.msaId, "event.data.msaId") };
  return { kind: "other", block, method };
}
