// The Custody facade: partitions, identity keys (key, sign, lifecycle, MSK rotation, legacy keys) and the
// service-internal key-use hooks other domains are wired to.

import { assertBytes } from "../crypto/assert.js";
import { bytesToHex, hexToBytes, wipe } from "../crypto/bytes.js";
import { taprootTweakPublicKey } from "../crypto/schnorr.js";
import { evmAddress } from "../crypto/secp256k1.js";
import type { Secret } from "../crypto/secret.js";
import { x25519SharedSecret } from "../crypto/x25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import type { Storage, StorageTx } from "../store/ports.js";
import { type CustodyAuditEvent, type CustodyContext, type CustodyOptions, runTx } from "./context.js";
import { assertScheme, type Scheme } from "./identity.js";
import { currentPublicKey, lendKey, type SignRequest, type SignResult, signInTx } from "./key-use.js";
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
import type { PathRecord } from "./records.js";
import { assertActor, MAX_SIGN_BATCH, type SignOptions, signRequests } from "./sign-request.js";
import { TxBatcher } from "./tx-batcher.js";

/** Public key of an identity path for one scheme (`evmAddress` for secp256k1). */
export interface IdentityKey {
  readonly address: string;
  readonly publicKey: string;
  readonly generation: number;
  readonly scheme: Scheme;
  readonly evmAddress?: string;
  /** bip340: the BIP-341 key-path output key (x-only hex) of this internal key, for a P2TR output. */
  readonly taprootOutputKey?: string;
}

type Signer = TxBatcher<StorageTx, SignRequest, { result: SignResult; event: CustodyAuditEvent }>;
/** Set only while `as()` builds a view (synchronously): the state the view shares with its root. */
let adopting: { ctx: CustodyContext; signer: Signer } | undefined;

/**
 * Identity-key custody: one MSK per partition, keys derived per (identity, label, generation, scheme), used but
 * never returned. Every signature and lifecycle change is appended to the audit log in the same transaction.
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
  readonly #signer: Signer;

  constructor(storage: Storage, options: CustodyOptions) {
    if (storage === null || typeof storage !== "object" || typeof storage.transaction !== "function")
      throw new InputTypeError("storage must be a Storage");
    if (!options?.audit || typeof options.audit.append !== "function")
      throw new InputTypeError("options.audit must be an AuditSink");
    if (adopting) {
      this.#ctx = adopting.ctx;
      this.#signer = adopting.signer;
      return;
    }
    this.#ctx = {
      storage,
      audit: options.audit,
      now: options.now ?? Date.now,
      actor: options.actor,
      observe: options.observeKeyMaterial,
      msks: new MskCache(options.mskCache, options.now ?? Date.now),
    };
    // Concurrent signatures share one transaction (group commit); each is still audited before it returns.
    // The batch's audit entries are appended together at its end (one chain-head read and write per batch).
    // Within one batch's transaction, each path is resolved once: signatures never change a path, and a
    // refused request makes the batcher redo every request in a transaction of its own (fresh memo).
    const prepared = new WeakMap<StorageTx, Map<string, Promise<PathRecord>>>();
    const prepareOnce = (tx: StorageTx, ref: IdentityRef) => {
      let memo = prepared.get(tx);
      if (!memo) {
        memo = new Map();
        prepared.set(tx, memo);
      }
      const key = JSON.stringify([ref.partition, ref.identity, ref.label ?? ""]);
      let rec = memo.get(key);
      if (!rec) {
        rec = preparePath(this.#ctx, tx, ref, { create: true, requireActive: true });
        memo.set(key, rec);
      }
      return rec;
    };
    this.#signer = new TxBatcher(
      (fn) => runTx(this.#ctx, fn),
      (tx, req) => signInTx(this.#ctx, tx, req, (ref) => prepareOnce(tx, ref)),
      async (tx, done) => {
        const events = done.map((d) => d.event);
        const audit = this.#ctx.audit;
        if (audit.appendMany) await audit.appendMany(tx, events);
        else for (const e of events) await audit.append(tx, e);
      },
    );
  }

  /**
   * A view that records `actor` (e.g. the token behind an HTTP request) on every audit event it causes. It
   * shares this instance's MSK cache and group-commit signer, so views are cheap; close only the root.
   * @throws TypeError / RangeError for an actor that is not a non-empty string of at most 200 characters.
   * @example await custody.as("token:tk_123").sign(ref, message);
   */
  as(actor: string): Custody {
    assertActor(actor);
    // No second constructor run: the view adopts this instance's context (with `actor`) and signer.
    adopting = { ctx: { ...this.#ctx, actor }, signer: this.#signer };
    try {
      return new Custody(this.#ctx.storage, { audit: this.#ctx.audit });
    } finally {
      adopting = undefined;
    }
  }

  /** Creates a partition with its own MSK. @throws KeywardError `already_exists`. */
  createPartition(name: string): Promise<PartitionInfo> {
    return createPartition(this.#ctx, name);
  }

  /** Lists partitions. */
  listPartitions(): Promise<PartitionInfo[]> {
    return listPartitions(this.#ctx);
  }

  /**
   * The current public key of a path (created at generation 0 on first use). Suspended paths still answer.
   * @throws KeywardError `not_found` (partition), `revoked`, `conflict` (other scheme on an imported key).
   */
  async key(ref: IdentityRef, scheme: Scheme = "ed25519"): Promise<IdentityKey> {
    assertScheme(scheme);
    const rec = await runTx(this.#ctx, (tx) =>
      preparePath(this.#ctx, tx, ref, { create: true, requireActive: false }),
    );
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
   * @example await custody.sign(ref, sighash, { scheme: "bip340", taproot: true });
   */
  async sign(ref: IdentityRef, message: Uint8Array, options: SignOptions = {}): Promise<SignResult> {
    const request = signRequests(ref, options, this.#ctx.actor)(message, "message");
    return (await this.#signer.submit(request)).result;
  }

  /**
   * Signs 1 … MAX_SIGN_BATCH (256) messages with one path's current key, in order. Every message gets its own
   * audit entry (one chain extension and one commit for the batch when nothing else is queued); the call
   * returns only after every entry committed. Options as for `sign`.
   * @throws invalid input naming `messages[i]`; KeywardError `suspended`, `revoked`, `not_found`.
   * @example const sigs = await custody.signMany(ref, [m1, m2, m3]);
   */
  async signMany(
    ref: IdentityRef,
    messages: readonly Uint8Array[],
    options: SignOptions = {},
  ): Promise<SignResult[]> {
    if (!Array.isArray(messages)) throw new InputTypeError("messages must be an array of Uint8Array");
    if (messages.length < 1 || messages.length > MAX_SIGN_BATCH)
      throw new InputRangeError(`messages must hold 1 to ${MAX_SIGN_BATCH} messages`);
    const build = signRequests(ref, options, this.#ctx.actor);
    const requests = messages.map((m, i) => build(m, `messages[${i}]`));
    const done = await Promise.all(requests.map((r) => this.#signer.submit(r)));
    return done.map((d) => d.result);
  }

  /** Rotates to generation + 1; the old keys sign a statement naming the new public keys. */
  rotate(ref: IdentityRef): Promise<KeyChangeResult> {
    return rotatePath(this.#ctx, ref);
  }

  /** Suspends a path (reversible): signing fails with `suspended`. */
  suspend(ref: IdentityRef): Promise<StatusResult> {
    return setSuspended(this.#ctx, ref, true);
  }

  /** Resumes a suspended path. */
  resume(ref: IdentityRef): Promise<StatusResult> {
    return setSuspended(this.#ctx, ref, false);
  }

  /** Revokes a path for good: every later use fails with `revoked`. */
  revoke(ref: IdentityRef): Promise<StatusResult> {
    return revokePath(this.#ctx, ref);
  }

  /** Public keys, statements and status changes of a path, oldest first. */
  history(ref: IdentityRef): Promise<PathHistory> {
    return pathHistory(this.#ctx, ref);
  }

  /** Opens a new MSK epoch; moves paths now (`batch`, default) or lazily on use. */
  rotateMsk(
    partition: string,
    options: { batch?: boolean; onProgress?: MskProgress } = {},
  ): Promise<MskRotationResult> {
    return rotateMsk(this.#ctx, partition, options);
  }

  /** Imports a random Ed25519 seed / secp256k1 private key (sealed) for a new path. */
  importLegacy(
    ref: IdentityRef,
    scheme: "ed25519" | "secp256k1",
    key: Secret,
  ): ReturnType<typeof importLegacy> {
    return importLegacy(this.#ctx, ref, scheme, key);
  }

  /** Moves an imported-key path to a derived key by a remap statement the imported key signs. */
  remap(ref: IdentityRef): Promise<KeyChangeResult> {
    return remapLegacy(this.#ctx, ref);
  }

  /**
   * SERVICE-INTERNAL (wired by service/, never exposed over HTTP): runs `fn` with the path's current Ed25519
   * seed and public key, then wipes the seed (also on error). Rooms use it for River's room-secret derivation.
   * The use is audited. @throws KeywardError `suspended`, `revoked`.
   */
  async withEd25519Seed<T>(
    ref: IdentityRef,
    fn: (seed: Uint8Array, publicKey: Uint8Array) => T | Promise<T>,
    purpose = "service",
  ): Promise<T> {
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#ctx, ref, "ed25519", purpose, async (seed, pub) => fn(seed, pub));
  }

  /**
   * SERVICE-INTERNAL (wired by service/ as the delegates' cosigner share port, never exposed over HTTP): runs
   * `fn` with the path's current BIP-340 secret key, then wipes it (also on error). The use is audited with
   * `purpose`. @throws KeywardError `suspended`, `revoked`.
   */
  async withBip340Key<T>(
    ref: IdentityRef,
    fn: (secretKey: Uint8Array, publicKey: Uint8Array) => T | Promise<T>,
    purpose = "service",
  ): Promise<T> {
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#ctx, ref, "bip340", purpose, async (key, pub) => fn(key, pub));
  }

  /**
   * SERVICE-INTERNAL: X25519 agreement with the path's key; `fn` gets the shared secret, wiped afterwards.
   * @throws invalid input for a low-order peer key; KeywardError `suspended`, `revoked`.
   */
  async withX25519Agreement<T>(
    ref: IdentityRef,
    peerPublicKey: Uint8Array,
    fn: (shared: Uint8Array) => T | Promise<T>,
    purpose = "service",
  ): Promise<T> {
    assertBytes(peerPublicKey, 32, "peerPublicKey");
    if (typeof fn !== "function") throw new InputTypeError("fn must be a function");
    return lendKey(this.#ctx, ref, "x25519", purpose, async (key) => {
      const shared = x25519SharedSecret(key, peerPublicKey);
      if (!shared) throw new InputRangeError("peerPublicKey is a low-order point");
      try {
        return await fn(shared);
      } finally {
        wipe(shared);
      }
    });
  }

  /** Wipes cached MSKs. The instance must not be used afterwards. */
  close(): void {
    this.#ctx.msks.clear();
  }
}
