// The Custody facade: partitions, identity keys (key, sign, lifecycle, MSK rotation, legacy keys) and the
// service-internal key-use hooks other domains are wired to.

import { assertBytes, assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes, wipe } from "../crypto/bytes.js";
import { Ed25519SignPool } from "../crypto/ed25519-pool.js";
import { taprootTweakPublicKey } from "../crypto/schnorr.js";
import { evmAddress } from "../crypto/secp256k1.js";
import type { Secret } from "../crypto/secret.js";
import { x25519SharedSecret } from "../crypto/x25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import type { Storage } from "../store/ports.js";
import { type BatchSigner, batchSigner } from "./batch-signer.js";
import { type CustodyContext, type CustodyOptions, runTx } from "./context.js";
import { assertScheme, type Scheme } from "./identity.js";
import { currentPublicKey, type IdentityKey, lendKey, type SignResult } from "./key-use.js";
import {
  importLegacy,
  type KeyChangeResult,
  type PathHistory,
  pathHistory,
  remapLegacy,
  revokePath,
  rotatePath,
  type StatusResult,
  setSuspended,
} from "./lifecycle.js";
import { MskCache } from "./msk-cache.js";
import {
  createPartition,
  listPartitions,
  type MskProgress,
  type MskRotationResult,
  type PartitionInfo,
  rotateMsk,
} from "./partitions.js";
import { type IdentityRef, preparePath } from "./path-ops.js";
import { assertActor, MAX_SIGN_BATCH, type SignOptions, signRequests } from "./sign-request.js";

/**
 * Identity-key custody: one MSK per partition, keys derived per (identity, label, generation, scheme), used but
 * never returned. Every signature and lifecycle change is appended to the audit log in the same transaction.
 * Every audited method takes its caller as the last argument (`actor`, e.g. `token:<id>`), recorded on the
 * entries it causes; a call without one records the instance's `options.actor` (e.g. "service").
 *
 * @example
 * const custody = new Custody(storage, { audit });
 * await custody.createPartition("acme");
 * const ref = { partition: "acme", identity: "email:alice@example.com" };
 * const { publicKey } = await custody.key(ref);
 * const { signature } = await custody.sign(ref, utf8("hello"));
 */
export class Custody {
  readonly #ctx: CustodyContext;
  readonly #signer: BatchSigner;
  readonly #pool: Ed25519SignPool;
  readonly #ownsPool: boolean;

  constructor(storage: Storage, options: CustodyOptions) {
    if (storage === null || typeof storage !== "object" || typeof storage.transaction !== "function")
      throw new InputTypeError("storage must be a Storage");
    if (!options?.audit || typeof options.audit.append !== "function")
      throw new InputTypeError("options.audit must be an AuditSink");
    this.#ctx = {
      storage,
      audit: options.audit,
      now: options.now ?? Date.now,
      actor: options.actor,
      observe: options.observeKeyMaterial,
      msks: new MskCache(options.mskCache, options.now ?? Date.now),
    };
    const pool = options.signPool;
    if (pool !== undefined && !(pool instanceof Ed25519SignPool))
      assertInteger(pool, 0, 64, "options.signPool");
    this.#ownsPool = !(pool instanceof Ed25519SignPool);
    this.#pool = pool instanceof Ed25519SignPool ? pool : new Ed25519SignPool({ workers: pool });
    this.#signer = batchSigner(this.#ctx, this.#pool, (actor) => this.#at(actor));
  }

  /**
   * The actor a call records: `actor` when given, else the instance's.
   * @throws TypeError / RangeError for an actor that is not a non-empty string of at most 200 characters.
   */
  #actorOf(actor: string | undefined): string | undefined {
    if (actor !== undefined) assertActor(actor);
    return actor ?? this.#ctx.actor;
  }

  /** The context of one call: this instance's (MSK cache, clock, audit sink), recording `#actorOf(actor)`. */
  #at(actor: string | undefined): CustodyContext {
    const a = this.#actorOf(actor);
    return a === this.#ctx.actor ? this.#ctx : { ...this.#ctx, actor: a };
  }

  /** Creates a partition with its own MSK. @throws KeywardError `already_exists`. */
  async createPartition(name: string, actor?: string): Promise<PartitionInfo> {
    return createPartition(this.#at(actor), name);
  }

  /** Lists partitions. */
  listPartitions(): Promise<PartitionInfo[]> {
    return listPartitions(this.#ctx);
  }

  /**
   * The current public key of a path (created at generation 0 on first use). Suspended paths still answer.
   * `actor` names the caller on the entries a first use or a lazy MSK move writes.
   * @throws KeywardError `not_found` (partition), `revoked`, `conflict` (other scheme on an imported key).
   */
  async key(ref: IdentityRef, scheme: Scheme = "ed25519", actor?: string): Promise<IdentityKey> {
    assertScheme(scheme);
    const ctx = this.#at(actor);
    const rec = await runTx(ctx, (tx) => preparePath(ctx, tx, ref, { create: true, requireActive: false }));
    const publicKey = currentPublicKey(rec, scheme);
    const out = { address: rec.address, publicKey, generation: rec.generation, scheme };
    if (scheme === "bip340")
      return { ...out, taprootOutputKey: bytesToHex(taprootTweakPublicKey(hexToBytes(publicKey)).outputKey) };
    return scheme === "secp256k1" ? { ...out, evmAddress: evmAddress(hexToBytes(publicKey)) } : out;
  }

  /**
   * Signs with a path's current key. ed25519 signs the message; secp256k1 signs a 32-byte digest, or with
   * `eip191` a personal message (EIP-191); bip340 signs the message with BIP-340 Schnorr, with `taproot` by the
   * BIP-341 tweaked key (`true`: key-path only; bytes: a 32-byte script merkle root), so the signature verifies
   * under the output key (`publicKey` in the result). x25519 keys cannot sign. `actor` names the caller on the
   * audit entry. Returns only after the signature's audit entry committed (concurrent calls share a commit).
   * @throws invalid input; KeywardError `suspended`, `revoked`, `not_found`.
   * @example await custody.sign(ref, sighash, { scheme: "bip340", taproot: true }, "token:tk_123");
   */
  async sign(
    ref: IdentityRef,
    message: Uint8Array,
    options: SignOptions = {},
    actor?: string,
  ): Promise<SignResult> {
    const request = signRequests(ref, options, this.#actorOf(actor))(message, "message");
    return this.#signer.submit(request);
  }

  /**
   * Signs 1 … MAX_SIGN_BATCH (256) messages with one path's current key, in order. Every message gets its own
   * audit entry (one chain extension and one commit for the batch when nothing else is queued); the call
   * returns only after every entry committed. Options and `actor` as for `sign`.
   * @throws invalid input naming `messages[i]`; KeywardError `suspended`, `revoked`, `not_found`.
   * @example const sigs = await custody.signMany(ref, [m1, m2, m3], {}, "cli");
   */
  async signMany(
    ref: IdentityRef,
    messages: readonly Uint8Array[],
    options: SignOptions = {},
    actor?: string,
  ): Promise<SignResult[]> {
    if (!Array.isArray(messages)) throw new InputTypeError("messages must be an array of Uint8Array");
    if (messages.length < 1 || messages.length > MAX_SIGN_BATCH)
      throw new InputRangeError(`messages must hold 1 to ${MAX_SIGN_BATCH} messages`);
    const build = signRequests(ref, options, this.#actorOf(actor));
    const requests = messages.map((m, i) => build(m, `messages[${i}]`));
    return Promise.all(requests.map((r) => this.#signer.submit(r)));
  }

  /** Rotates to generation + 1; the old keys sign a statement naming the new public keys. */
  async rotate(ref: IdentityRef, actor?: string): Promise<KeyChangeResult> {
    return rotatePath(this.#at(actor), ref);
  }

  /** Suspends a path (reversible): signing fails with `suspended`. */
  async suspend(ref: IdentityRef, actor?: string): Promise<StatusResult> {
    return setSuspended(this.#at(actor), ref, true);
  }

  /** Resumes a suspended path. */
  async resume(ref: IdentityRef, actor?: string): Promise<StatusResult> {
    return setSuspended(this.#at(actor), ref, false);
  }

  /** Revokes a path for good: every later use fails with `revoked`. */
  async revoke(ref: IdentityRef, actor?: string): Promise<StatusResult> {
    return revokePath(this.#at(actor), ref);
  }

  /** Public keys, statements and status changes of a path, oldest first. */
  history(ref: IdentityRef): Promise<PathHistory> {
    return pathHistory(this.#ctx, ref);
  }

  /** Opens a new MSK epoch; moves paths now (`batch`, default) or lazily on use. */
  async rotateMsk(
    partition: string,
    options: { batch?: boolean; onProgress?: MskProgress } = {},
    actor?: string,
  ): Promise<MskRotationResult> {
    return rotateMsk(this.#at(actor), partition, options);
  }

  /** Imports a random Ed25519 seed / secp256k1 private key (sealed) for a new path. */
  async importLegacy(
    ref: IdentityRef,
    scheme: "ed25519" | "secp256k1",
    key: Secret,
    actor?: string,
  ): ReturnType<typeof importLegacy> {
    return importLegacy(this.#at(actor), ref, scheme, key);
  }

  /** Moves an imported-key path to a derived key by a remap statement the imported key signs. */
  async remap(ref: IdentityRef, actor?: string): Promise<KeyChangeResult> {
    return remapLegacy(this.#at(actor), ref);
  }

  /**
   * SERVICE-INTERNAL (wired by service/, never exposed over HTTP): runs `fn` with the path's current Ed25519
   * seed and public key, then wipes the seed (also on error). Rooms use it for River's room-secret derivation.
   * The use is audited with `purpose` under `actor`. @throws KeywardError `suspended`, `revoked`.
   */
  async withEd25519Seed<T>(
    ref: IdentityRef,
    fn: (seed: Uint8Array, publicKey: Uint8Array) => T | Promise<T>,
    purpose = "service",
    actor?: string,
  ): Promise<T> {
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#at(actor), ref, "ed25519", purpose, async (seed, pub) => fn(seed, pub));
  }

  /**
   * SERVICE-INTERNAL (wired by service/ as the delegates' cosigner share port, never exposed over HTTP): runs
   * `fn` with the path's current BIP-340 secret key, then wipes it (also on error). The use is audited with
   * `purpose` under `actor`. @throws KeywardError `suspended`, `revoked`.
   */
  async withBip340Key<T>(
    ref: IdentityRef,
    fn: (secretKey: Uint8Array, publicKey: Uint8Array) => T | Promise<T>,
    purpose = "service",
    actor?: string,
  ): Promise<T> {
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#at(actor), ref, "bip340", purpose, async (key, pub) => fn(key, pub));
  }

  /**
   * SERVICE-INTERNAL: X25519 agreement with the path's key; `fn` gets the shared secret, wiped afterwards.
   * The use is audited with `purpose` under `actor`.
   * @throws invalid input for a low-order peer key; KeywardError `suspended`, `revoked`.
   */
  async withX25519Agreement<T>(
    ref: IdentityRef,
    peerPublicKey: Uint8Array,
    fn: (shared: Uint8Array) => T | Promise<T>,
    purpose = "service",
    actor?: string,
  ): Promise<T> {
    assertBytes(peerPublicKey, 32, "peerPublicKey");
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#at(actor), ref, "x25519", purpose, async (key) => {
      const shared = x25519SharedSecret(key, peerPublicKey);
      if (!shared) throw new InputRangeError("peerPublicKey is a low-order point");
      try {
        return await fn(shared);
      } finally {
        wipe(shared);
      }
    });
  }

  /**
   * Wipes cached MSKs and stops the sign pool it owns (signatures still pending on it fail). The instance must
   * not be used afterwards.
   */
  close(): void {
    this.#ctx.msks.clear();
    if (this.#ownsPool) this.#pool.close();
  }
}
