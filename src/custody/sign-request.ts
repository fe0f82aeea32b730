// Validation of signing options into queued sign requests (Custody.sign and Custody.signMany).
import { assertBytes, assertString } from "../crypto/assert.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertScheme, type Scheme } from "./identity.js";
import type { SignRequest } from "./key-use.js";
import type { IdentityRef } from "./path-ops.js";

/** Options of `Custody.sign` / `Custody.signMany`. */
export interface SignOptions {
  readonly scheme?: Scheme;
  /** secp256k1: sign an EIP-191 personal message instead of a 32-byte digest. */
  readonly eip191?: boolean;
  /** bip340: sign by the BIP-341 tweaked key (`true`: key-path only; bytes: a 32-byte script merkle root). */
  readonly taproot?: boolean | Uint8Array;
}

/** Most messages one `signMany` call signs (one transaction, one audit entry each). */
export const MAX_SIGN_BATCH = 256;

/** Checks an actor passed as an argument. @throws TypeError / RangeError naming `actor`. */
export function assertActor(actor: unknown): asserts actor is string {
  assertString(actor, "actor", { nonEmpty: true, maxLength: 200 });
}

/**
 * Validates `options` once for a call and returns a builder of one request per message (each message
 * checked and copied: requests run on a later turn, after the caller may have reused its buffer). `actor`
 * (already checked) is recorded on each request's audit entry.
 * @throws invalid input naming the parameter.
 */
export function signRequests(
  ref: IdentityRef,
  options: SignOptions,
  actor: string | undefined,
): (message: Uint8Array, name: string) => SignRequest {
  if (options === null || typeof options !== "object") throw new InputTypeError("options must be an object");
  const scheme = options.scheme ?? "ed25519";
  assertScheme(scheme);
  const eip191 = options.eip191 === true;
  const taproot = options.taproot;
  if (scheme === "x25519")
    throw new InputRangeError("x25519 keys cannot sign (use ed25519, secp256k1 or bip340)");
  if (eip191 && scheme !== "secp256k1") throw new InputRangeError("eip191 requires scheme secp256k1");
  if (taproot !== undefined && taproot !== false && scheme !== "bip340")
    throw new InputRangeError("taproot requires scheme bip340");
  if (taproot !== undefined && typeof taproot !== "boolean") assertBytes(taproot, 32, "taproot");
  const taprootMerkleRoot =
    taproot === true
      ? new Uint8Array(0)
      : taproot instanceof Uint8Array
        ? Uint8Array.from(taproot)
        : undefined;
  return (message, name) => {
    assertBytes(message, undefined, name);
    if (scheme === "secp256k1" && !eip191 && message.length !== 32)
      throw new InputRangeError(
        `${name === "message" ? "" : `${name}: `}secp256k1 signs a 32-byte digest (use eip191 for a personal message)`,
      );
    return { ref, actor, message: Uint8Array.from(message), scheme, eip191, taprootMerkleRoot };
  };
}
