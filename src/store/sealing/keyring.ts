// Versioned data keys wrapped by the root key (Vault barrier / Tink keyset style) and secret sealing.
import { randomFillSync } from "node:crypto";
import { aesGcmOpen, aesGcmSeal } from "../../crypto/aead.js";
import { concatBytes, u32le, utf8, wipe } from "../../crypto/bytes.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RawSecretRow } from "../raw.js";

const WRAP_AAD = "keyward v1 keyring-wrap";
const SECRET_AAD = "keyward v1 secret-aad";
const NONCE = 12;
const SECRET_AAD_TAG = Buffer.from(SECRET_AAD, "utf8");

// Nonces come from a pooled CSPRNG buffer: one randomFillSync per 341 nonces instead of one call each (a
// measured ~5 µs per call). Nonces are public, so pooling the random bytes exposes nothing.
const noncePool = Buffer.alloc(NONCE * 341);
let nonceAt = noncePool.length;

/** A fresh random 96-bit nonce. */
export function newNonce(): Uint8Array {
  if (nonceAt + NONCE > noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  const out = Uint8Array.from(noncePool.subarray(nonceAt, nonceAt + NONCE));
  nonceAt += NONCE;
  return out;
}

/** Wraps a data key under the root key; AAD binds the key version. Output: nonce ‖ ciphertext ‖ tag. */
export function wrapDataKey(rootKey: Uint8Array, version: number, dataKey: Uint8Array): Uint8Array {
  const nonce = newNonce();
  return concatBytes(nonce, aesGcmSeal(rootKey, nonce, dataKey, concatBytes(utf8(WRAP_AAD), u32le(version))));
}

/** Unwraps a data key; a wrong root key or a tampered blob → `unseal_failed`. */
export function unwrapDataKey(rootKey: Uint8Array, version: number, wrapped: Uint8Array): Uint8Array {
  const out =
    wrapped.length > NONCE
      ? aesGcmOpen(
          rootKey,
          wrapped.subarray(0, NONCE),
          wrapped.subarray(NONCE),
          concatBytes(utf8(WRAP_AAD), u32le(version)),
        )
      : undefined;
  if (out?.length !== 32)
    throw new KeywardError("unseal_failed", "unseal failed: wrong passphrase, key file or key shares");
  return out;
}

/**
 * The associated data of a sealed secret: binds namespace, name and data-key version (Invariant 2).
 * Bytes: utf8("keyward v1 secret-aad") ‖ u32le(len ns) ‖ ns ‖ u32le(len name) ‖ name ‖ u32le(version), lengths
 * in UTF-8 bytes — length prefixes make it injective, so no (namespace, name) pair can alias another.
 */
export function secretAad(namespace: string, name: string, keyVersion: number): Uint8Array {
  const nsLen = Buffer.byteLength(namespace, "utf8");
  const nameLen = Buffer.byteLength(name, "utf8");
  const out = Buffer.allocUnsafeSlow(SECRET_AAD_TAG.length + 12 + nsLen + nameLen);
  const end = writeSecretAad(out, namespace, name, keyVersion);
  return new Uint8Array(out.buffer, out.byteOffset, end);
}

/** Writes `secretAad(namespace, name, keyVersion)` at the start of `out` (large enough); returns its length. */
function writeSecretAad(out: Buffer, namespace: string, name: string, keyVersion: number): number {
  let at = SECRET_AAD_TAG.copy(out, 0) + 4;
  const nsLen = out.write(namespace, at, "utf8");
  out.writeUInt32LE(nsLen, at - 4);
  at += nsLen + 4;
  const nameLen = out.write(name, at, "utf8");
  out.writeUInt32LE(nameLen, at - 4);
  return out.writeUInt32LE(keyVersion, at + nameLen);
}

// The AAD of the secret being sealed or opened now, built in one reused buffer instead of an allocation per
// call: it is public, and the AEAD call copies it before returning, so no call can see another's.
let aadScratch = Buffer.allocUnsafeSlow(512);

/** `secretAad` as a view of the scratch buffer: valid until the next call (pass it straight to the AEAD). */
function scratchAad(namespace: string, name: string, keyVersion: number): Uint8Array {
  // At most 3 UTF-8 bytes per UTF-16 unit: `write` can never truncate.
  const bound = SECRET_AAD_TAG.length + 12 + 3 * (namespace.length + name.length);
  if (aadScratch.length < bound) aadScratch = Buffer.allocUnsafeSlow(bound);
  return aadScratch.subarray(0, writeSecretAad(aadScratch, namespace, name, keyVersion));
}

/** Meta key prefix of the wrapped data keys (`keyringKey`). */
export const KEYRING_PREFIX = "keyring/";

/** Meta key of the wrapped data key `version`. */
export function keyringKey(version: number): string {
  return `${KEYRING_PREFIX}${String(version).padStart(10, "0")}`;
}

/** The data key version a meta key from `keyringKey` names. */
export function keyringVersion(metaKey: string): number {
  return Number(metaKey.slice(KEYRING_PREFIX.length));
}

/** The unsealed data keys in memory (and the root key, to pick up data keys other instances add). */
export class Keyring {
  readonly #keys = new Map<number, Uint8Array>();
  #active = 0;
  #rootKey: Uint8Array | undefined;

  /** Keeps a copy of the root key so data keys added later by other instances can be unwrapped. */
  setRootKey(rootKey: Uint8Array): void {
    if (this.#rootKey) wipe(this.#rootKey);
    this.#rootKey = Uint8Array.from(rootKey);
  }

  /** True when data key `version` is loaded. */
  has(version: number): boolean {
    return this.#keys.has(version);
  }

  /**
   * Loads data key `version` if another instance added it since this keyring was unsealed (Postgres deployments
   * share one keyring). Unknown versions stay unknown (opening then fails with `decrypt_failed`).
   * @throws KeywardError `unseal_failed` when the keyring was re-wrapped under another root key meanwhile.
   */
  async ensure(version: number, read: (metaKey: string) => Promise<Uint8Array | undefined>): Promise<void> {
    if (this.#keys.has(version) || !this.#rootKey || !Number.isInteger(version) || version < 1) return;
    const wrapped = await read(keyringKey(version));
    if (wrapped) this.add(version, unwrapDataKey(this.#rootKey, version, wrapped));
  }

  /** Adds an unwrapped key; the highest version becomes active. */
  add(version: number, key: Uint8Array): void {
    this.#keys.set(version, key);
    if (version > this.#active) this.#active = version;
  }

  get activeVersion(): number {
    return this.#active;
  }

  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** The raw key for `version` (store-internal use only: re-wrapping on root-key rotation). */
  keyFor(version: number): Uint8Array {
    const k = this.#keys.get(version);
    if (!k) throw new KeywardError("decrypt_failed", `data key version ${version} is unknown`);
    return k;
  }

  /** Seals `plaintext` for (namespace, name) under the active key. */
  seal(namespace: string, name: string, plaintext: Uint8Array): RawSecretRow {
    const keyVersion = this.#active;
    const nonce = newNonce();
    const ct = aesGcmSeal(this.keyFor(keyVersion), nonce, plaintext, scratchAad(namespace, name, keyVersion));
    return { keyVersion, sealed: concatBytes(nonce, ct) };
  }

  /** Opens a sealed row; a tampered or moved ciphertext → `decrypt_failed`, never garbage. */
  open(namespace: string, name: string, row: RawSecretRow): Uint8Array {
    const key = this.#keys.get(row.keyVersion);
    const out =
      key && row.sealed.length > NONCE
        ? aesGcmOpen(
            key,
            row.sealed.subarray(0, NONCE),
            row.sealed.subarray(NONCE),
            scratchAad(namespace, name, row.keyVersion),
          )
        : undefined;
    if (!out)
      throw new KeywardError(
        "decrypt_failed",
        `secret ${namespace}/${name} failed to decrypt (tampered or moved)`,
      );
    return out;
  }

  /** Zeroes every data key and the root key. */
  wipe(): void {
    for (const k of this.#keys.values()) wipe(k);
    this.#keys.clear();
    if (this.#rootKey) wipe(this.#rootKey);
    this.#rootKey = undefined;
  }
}
