// Rotation and remap statements: canonical bytes, signing by the old key(s), and a stand-alone verifier.
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { ed25519Sign, ed25519Verify } from "../crypto/ed25519.js";
import { schnorrSign, schnorrVerify } from "../crypto/schnorr.js";
import { eip191Digest, eip191Sign, evmAddress, secp256k1Recover } from "../crypto/secp256k1.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertScheme, type Scheme } from "./identity.js";

/** Domain-separation tag of every custody key statement (docs/wire-format.md, "Custody"). */
export const STATEMENT_TAG = "keyward v1 key-statement";

/** One key change inside a statement (public keys as lower-case hex). */
export interface KeyChange {
  readonly scheme: Scheme;
  readonly old: string;
  readonly new: string;
}

/**
 * A statement by the old key(s) of a path naming the new public keys. `rotation`: generation + 1 under the
 * same MSK; `remap`: a move to another key source (a new MSK epoch, or from an imported legacy key, where
 * `from.epoch` is null).
 */
export interface KeyStatement {
  readonly type: "rotation" | "remap";
  readonly partition: string;
  /** The identity address (64 hex); unchanged by the statement. */
  readonly address: string;
  readonly label: string;
  readonly from: { readonly generation: number; readonly epoch: number | null };
  readonly to: { readonly generation: number; readonly epoch: number };
  readonly keys: readonly KeyChange[];
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
}

/** The schemes that sign statements (x25519 cannot sign). */
export type SigningScheme = "ed25519" | "secp256k1" | "bip340";

/**
 * Signatures over the statement bytes: Ed25519 (64 bytes), EIP-191 secp256k1 (65 bytes r‖s‖v), BIP-340
 * (64 bytes, over the statement bytes as the message), hex.
 */
export type StatementSignatures = Partial<Record<SigningScheme, string>>;

/**
 * Canonical bytes of a statement (what every signature covers).
 * @throws {TypeError}/{RangeError} for a malformed statement.
 */
export function statementBytes(s: KeyStatement): Uint8Array {
  if (s === null || typeof s !== "object") throw new InputTypeError("statement must be an object");
  if (s.type !== "rotation" && s.type !== "remap") throw new InputRangeError("statement.type is invalid");
  if (!Array.isArray(s.keys) || s.keys.length === 0)
    throw new InputRangeError("statement.keys must not be empty");
  return canonicalEncode(STATEMENT_TAG, {
    type: s.type,
    partition: s.partition,
    address: hexToBytes(s.address, "statement.address", 32),
    label: s.label,
    from: { generation: s.from.generation, epoch: s.from.epoch },
    to: { generation: s.to.generation, epoch: s.to.epoch },
    keys: s.keys.map((k, i) => {
      assertScheme(k.scheme);
      return {
        scheme: k.scheme,
        old: hexToBytes(k.old, `statement.keys[${i}].old`),
        new: hexToBytes(k.new, `statement.keys[${i}].new`),
      };
    }),
    time: s.time,
  });
}

/** Signs statement bytes with an old private key of `scheme` (the caller wipes `seed`). */
export function signStatement(scheme: SigningScheme, seed: Uint8Array, bytes: Uint8Array): string {
  if (scheme === "bip340") return bytesToHex(schnorrSign(seed, bytes));
  return bytesToHex(scheme === "ed25519" ? ed25519Sign(seed, bytes) : eip191Sign(seed, bytes));
}

/**
 * Verifies a statement: every signing-capable scheme listed in `keys` (ed25519, secp256k1, bip340) must carry a
 * valid signature by its `old` key, and at least one signature must be present. X25519 keys are vouched
 * for by the signatures over the whole statement.
 * @returns false for any missing or bad signature; throws only on a malformed statement.
 * @example verifyKeyStatement(entry.statement, entry.signatures);
 */
export function verifyKeyStatement(statement: KeyStatement, signatures: StatementSignatures): boolean {
  const bytes = statementBytes(statement);
  if (signatures === null || typeof signatures !== "object")
    throw new InputTypeError("signatures must be an object");
  let checked = 0;
  for (const k of statement.keys) {
    if (k.scheme === "x25519") continue;
    const sigHex = signatures[k.scheme];
    if (typeof sigHex !== "string") return false;
    let sig: Uint8Array;
    try {
      sig = hexToBytes(sigHex, "signature");
    } catch {
      return false;
    }
    const old = hexToBytes(k.old, "old");
    if (k.scheme === "ed25519") {
      if (!ed25519Verify(old, bytes, sig)) return false;
    } else if (k.scheme === "bip340") {
      if (!schnorrVerify(old, bytes, sig)) return false;
    } else {
      if (sig.length !== 65) return false;
      const recovered = secp256k1Recover(eip191Digest(bytes), sig);
      if (!recovered) return false;
      try {
        if (evmAddress(recovered) !== evmAddress(old)) return false;
      } catch {
        return false; // `old` is not a curve point
      }
    }
    checked++;
  }
  return checked > 0;
}
