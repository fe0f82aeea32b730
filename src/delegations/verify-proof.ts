// Stand-alone verifier of a delegation proof against a signed checkpoint: no database, no index.
import { isBytes } from "../crypto/assert.js";
import { base64urlToBytes, equalBytes, hexToBytes } from "../crypto/bytes.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import type { DelegationInterval } from "./delegation-index.js";
import { assertPosition, type DelegationId, normalizeId } from "./ids.js";
import { merkleLeafHash, merkleRootFromPath } from "./merkle.js";
import { checkpointMessage, leafBytes, type WireInterval } from "./proof-format.js";

/** What a valid proof establishes at position `at`. */
export interface DelegationProofResult {
  readonly authorized: boolean;
  readonly interval: DelegationInterval | null;
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scope: DelegationId;
  /** Log position the checkpoint covers: events after it are not reflected. */
  readonly seq: number;
}

const MAX_PATH = 64;
const MAX_INTERVALS = 100_000;

function asObject(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InputTypeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function b64(value: unknown, name: string, length: number): Uint8Array {
  const b = base64urlToBytes(value, name);
  if (b.length !== length) throw new InputRangeError(`${name} must encode ${length} bytes`);
  return b;
}

function intervalsOf(value: unknown): WireInterval[] {
  if (!Array.isArray(value) || value.length > MAX_INTERVALS)
    throw new InputTypeError(`proof.intervals must be an array of at most ${MAX_INTERVALS} intervals`);
  return value.map((iv, i) => {
    if (!Array.isArray(iv) || iv.length !== 2)
      throw new InputTypeError(`proof.intervals[${i}] must be [from, until|null]`);
    assertPosition(iv[0], `proof.intervals[${i}][0]`);
    if (iv[1] !== null) assertPosition(iv[1], `proof.intervals[${i}][1]`);
    return [iv[0], iv[1]] as const;
  });
}

/**
 * Verifies that `proof` (one key's history + Merkle path) is committed by `checkpoint` signed with `publicKey`,
 * then answers the point-in-time question at `at` from that history.
 * @param publicKey - the checkpoint signer's Ed25519 key you trust (32 bytes or 64 hex), never the one in the file.
 * @returns false for any tampering (bad signature, wrong root, altered history, index, path, size or seq);
 *   otherwise the verdict.
 * @throws {TypeError|RangeError} only for malformed input (wrong types, bad encodings, wrong lengths).
 * @example
 * const r = verifyDelegationProof(file.proof, file.checkpoint, trustedKeyHex, 1500);
 * if (r === false) reject(); else r.authorized;
 */
export function verifyDelegationProof(
  proof: unknown,
  checkpoint: unknown,
  publicKey: Uint8Array | string,
  at: number,
): DelegationProofResult | false {
  const pk = isBytes(publicKey) ? publicKey : hexToBytes(publicKey, "publicKey", 32);
  if (pk.length !== 32) throw new InputRangeError("publicKey must be 32 bytes");
  assertPosition(at, "at");
  const p = asObject(proof, "proof");
  const c = asObject(checkpoint, "checkpoint");
  const delegator = normalizeId(p.delegator, "proof.delegator");
  const provider = normalizeId(p.provider, "proof.provider");
  const scope = normalizeId(p.scope, "proof.scope");
  const intervals = intervalsOf(p.intervals);
  assertPosition(p.index, "proof.index");
  if (!Array.isArray(p.path) || p.path.length > MAX_PATH)
    throw new InputTypeError(`proof.path must be an array of at most ${MAX_PATH} hashes`);
  const path = p.path.map((h, i) => b64(h, `proof.path[${i}]`, 32));
  assertPosition(c.seq, "checkpoint.seq");
  assertPosition(c.size, "checkpoint.size");
  const root = b64(c.root, "checkpoint.root", 32);
  const signature = b64(c.signature, "checkpoint.signature", 64);
  if (typeof p.version !== "number" || typeof c.version !== "number")
    throw new InputTypeError("version must be a number");
  if (p.version !== 1 || c.version !== 1) return false;

  if (!ed25519Verify(pk, checkpointMessage(c.seq, c.size, root), signature)) return false;
  const leaf = merkleLeafHash(leafBytes(delegator, provider, scope, intervals));
  const computed = merkleRootFromPath(leaf, p.index, c.size, path);
  if (computed === undefined || !equalBytes(computed, root)) return false;

  // Intervals are committed in order and disjoint (except empty ones); any containing `at` decides.
  const hit = intervals.find(([from, until]) => from <= at && (until === null || at < until));
  return {
    authorized: hit !== undefined,
    interval: hit ? { from: hit[0], until: hit[1] } : null,
    delegator,
    provider,
    scope,
    seq: c.seq,
  };
}
