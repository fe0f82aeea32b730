// Versioned data keys wrapped by the root key (Vault barrier / Tink keyset style) and secret sealing.
import { aesGcmOpen, aesGcmSeal } from "../../crypto/aead.js";
import { concatBytes, u32le, utf8, wipe } from "../../crypto/bytes.js";
import { canonicalEncode } from "../../crypto/canonical.js";
import { randomBytes } from "../../crypto/random.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RawSecretRow } from "../raw.js";

const WRAP_AAD = "keyward v1 keyring-wrap";
const SECRET_AAD = "keyward v1 secret-aad";
const NONCE = 12;

/** Wraps a data key under the root key; AAD binds the key version. Output: nonce ‖ ciphertext ‖ tag. */
export function wrapDataKey(rootKey: Uint8Array, version: number, dataKey: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE);
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
    throw new KeywardError("unseal_failed", "unseal failed: wrong passphrase or key file");
  return out;
}

/** The associated data of a sealed secret: binds namespace, name and data-key version (Invariant 2). */
export function secretAad(namespace: string, name: string, keyVersion: number): Uint8Array {
  return canonicalEncode(SECRET_AAD, { namespace, name, keyVersion });
}

/** The unsealed data keys in memory. */
export class Keyring {
  readonly #keys = new Map<number, Uint8Array>();
  #active = 0;

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
    const nonce = randomBytes(NONCE);
    const ct = aesGcmSeal(this.keyFor(keyVersion), nonce, plaintext, secretAad(namespace, name, keyVersion));
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
            secretAad(namespace, name, row.keyVersion),
          )
        : undefined;
    if (!out)
      throw new KeywardError(
        "decrypt_failed",
        `secret ${namespace}/${name} failed to decrypt (tampered or moved)`,
      );
    return out;
  }

  /** Zeroes every data key. */
  wipe(): void {
    for (const k of this.#keys.values()) wipe(k);
    this.#keys.clear();
  }
}
