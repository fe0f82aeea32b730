// Stand-alone verifier of a delegation proof against a signed checkpoint: no database, no index.
import { isBytes } from "../crypto/assert.js";
import { base64urlToBytes, equalBytes, hexToBytes } from "../crypto/bytes.js";
import { ed25519Verify } from "../crypto/ed25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import type { DelegationInterval } from "./delegation-index.js";
import { assertPosition, type DelegationId, normalizeId } from "./ids.js";
import { MERKLE_EMPTY_ROOT, merkleLeafHash, merkleRootFromPath } from "./merkle.js";
import { checkpointMessage, compareKeys, leafBytes, type WireInterval } from "./proof-format.js";

/** What a valid proof establishes at position `at`. */
export interface DelegationProofResult {
  readonly authorized: boolean;
  readonly interval: DelegationInterval | null;
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scope: DelegationId;
  /** Log position the checkpoint covers: events after it are not reflected. */
  readonly seq: number;
  /** True for a proof of absence: the key has no history at all in the checkpoint. */
  readonly absent: boolean;
}

type Key = readonly [DelegationId, DelegationId, DelegationId];

/** A parsed leaf proof: its key, history, and the root its path implies (undefined: not in a tree of `size`). */
interface Leaf {
  readonly key: Key;
  readonly intervals: WireInterval[];
  readonly index: number;
  readonly root: Uint8Array | undefined;
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

function intervalsOf(value: unknown, name: string): WireInterval[] {
  if (!Array.isArray(value) || value.length > MAX_INTERVALS)
    throw new InputTypeError(`${name} must be an array of at most ${MAX_INTERVALS} intervals`);
  return value.map((iv, i) => {
    if (!Array.isArray(iv) || iv.length !== 2)
      throw new InputTypeError(`${name}[${i}] must be [from, until|null]`);
    assertPosition(iv[0], `${name}[${i}][0]`);
    if (iv[1] !== null) assertPosition(iv[1], `${name}[${i}][1]`);
    return [iv[0], iv[1]] as const;
  });
}

/** Parses one leaf proof (`name` prefixes error messages) and computes the root it implies. */
function leafOf(value: unknown, name: string, size: number): Leaf {
  const p = asObject(value, name);
  const key = [
    normalizeId(p.delegator, `${name}.delegator`),
    normalizeId(p.provider, `${name}.provider`),
    normalizeId(p.scope, `${name}.scope`),
  ] as const;
  const intervals = intervalsOf(p.intervals, `${name}.intervals`);
  assertPosition(p.index, `${name}.index`);
  if (!Array.isArray(p.path) || p.path.length > MAX_PATH)
    throw new InputTypeError(`${name}.path must be an array of at most ${MAX_PATH} hashes`);
  const path = p.path.map((h, i) => b64(h, `${name}.path[${i}]`, 32));
  const leaf = merkleLeafHash(leafBytes(key[0], key[1], key[2], intervals));
  return { key, intervals, index: p.index, root: merkleRootFromPath(leaf, p.index, size, path) };
}

/** Whether the neighbours sit at adjacent positions, or at the tree's edge when one is missing. */
function adjacent(left: Leaf | null, right: Leaf | null, size: number): boolean {
  if (left && right) return right.index === left.index + 1;
  if (left) return left.index === size - 1;
  if (right) return right.index === 0;
  return size === 0;
}

/** Null or a leaf proof. */
function neighbourOf(value: unknown, name: string, size: number): Leaf | null {
  return value === null ? null : leafOf(value, name, size);
}

/**
 * Verifies that `proof` is committed by `checkpoint` signed with `publicKey`, then answers the point-in-time
 * question at `at`. Two kinds of proof (docs/delegations.md): one key's history with its Merkle path, or the
 * **absence** of a key (`absent: true`): its two neighbours in key order at adjacent positions, so the key has
 * no leaf and was never authorized up to the checkpoint.
 * @param publicKey - the checkpoint signer's Ed25519 key you trust (32 bytes or 64 hex), never the one in the file.
 * @returns false for any tampering (bad signature, wrong root, altered history, index, path, size or seq,
 *   neighbours that are not adjacent or do not surround the key); otherwise the verdict.
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
  assertPosition(c.seq, "checkpoint.seq");
  assertPosition(c.size, "checkpoint.size");
  const size = c.size;
  const root = b64(c.root, "checkpoint.root", 32);
  const signature = b64(c.signature, "checkpoint.signature", 64);
  if (typeof p.version !== "number" || typeof c.version !== "number")
    throw new InputTypeError("version must be a number");
  const absent = p.absent === true;
  if (p.absent !== undefined && typeof p.absent !== "boolean")
    throw new InputTypeError("proof.absent must be a boolean");
  // Parse everything before deciding, so malformed input always throws.
  const target: Key | undefined = absent
    ? [
        normalizeId(p.delegator, "proof.delegator"),
        normalizeId(p.provider, "proof.provider"),
        normalizeId(p.scope, "proof.scope"),
      ]
    : undefined;
  const left = absent ? neighbourOf(p.left, "proof.left", size) : null;
  const right = absent ? neighbourOf(p.right, "proof.right", size) : null;
  const own = absent ? undefined : leafOf(p, "proof", size);
  if (p.version !== 1 || c.version !== 1) return false;
  if (!ed25519Verify(pk, checkpointMessage(c.seq, size, root), signature)) return false;
  const committed = (l: Leaf) => l.root !== undefined && equalBytes(l.root, root);

  if (own) {
    if (!committed(own)) return false;
    // Intervals are committed in order and disjoint (except empty ones); any containing `at` decides.
    const hit = own.intervals.find(([from, until]) => from <= at && (until === null || at < until));
    const [delegator, provider, scope] = own.key;
    return {
      authorized: hit !== undefined,
      interval: hit ? { from: hit[0], until: hit[1] } : null,
      delegator,
      provider,
      scope,
      seq: c.seq,
      absent: false,
    };
  }
  // Absence: the neighbours are in the tree, adjacent, and the key sorts strictly between them.
  const key = target!;
  if (left && (!committed(left) || compareKeys(left.key, key) >= 0)) return false;
  if (right && (!committed(right) || compareKeys(key, right.key) >= 0)) return false;
  if (!adjacent(left, right, size)) return false;
  if (!left && !right && !equalBytes(root, MERKLE_EMPTY_ROOT)) return false;
  return {
    authorized: false,
    interval: null,
    delegator: key[0],
    provider: key[1],
    scope: key[2],
    seq: c.seq,
    absent: true,
  };
}
