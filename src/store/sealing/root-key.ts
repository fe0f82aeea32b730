// Root key from unseal material: a passphrase (scrypt, parameters stored) or a key file (64 hex characters).
import { scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { hexToBytes, utf8 } from "../../crypto/bytes.js";
import { blake3DeriveKey } from "../../crypto/hash.js";
import { randomBytes } from "../../crypto/random.js";
import { KeywardError } from "../../errors/keyward-error.js";

/** How the root key is obtained at start. */
export type UnsealMaterial =
  | { readonly passphrase: string }
  | { readonly keyFile: string }
  | { readonly key: Uint8Array };

/** Stored KDF parameters (not secret). */
export interface RootKeyParams {
  readonly kind: "scrypt" | "key";
  readonly salt?: string;
  readonly N?: number;
  readonly r?: number;
  readonly p?: number;
}

/** Default scrypt cost: N=2^15, r=8, p=1 (≈32 MiB, ~100 ms): interactive-grade, parameters stored for upgrade. */
export const SCRYPT_DEFAULTS = { N: 1 << 15, r: 8, p: 1 } as const;

/** New parameters for `material` (fresh salt for a passphrase). */
export function newRootKeyParams(material: UnsealMaterial): RootKeyParams {
  if ("passphrase" in material) {
    return { kind: "scrypt", salt: Buffer.from(randomBytes(16)).toString("hex"), ...SCRYPT_DEFAULTS };
  }
  return { kind: "key" };
}

/** Reads a key file: 64 hex characters (whitespace trimmed). Never echoes the content. */
export function readKeyFile(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch {
    throw new KeywardError("unseal_failed", `cannot read key file ${path}`);
  }
  try {
    return hexToBytes(text, "key file", 32);
  } catch {
    throw new KeywardError("unseal_failed", `key file ${path} must hold 64 hex characters`);
  }
}

/** Derives the 32-byte root key from `material` under stored `params`. */
export function deriveRootKey(material: UnsealMaterial, params: RootKeyParams): Uint8Array {
  if ("passphrase" in material) {
    if (params.kind !== "scrypt" || !params.salt) {
      throw new KeywardError("unseal_failed", "this data dir is sealed with a key file, not a passphrase");
    }
    if (material.passphrase.length === 0)
      throw new KeywardError("unseal_failed", "passphrase must not be empty");
    const out = scryptSync(utf8(material.passphrase), Buffer.from(params.salt, "hex"), 32, {
      N: params.N ?? SCRYPT_DEFAULTS.N,
      r: params.r ?? SCRYPT_DEFAULTS.r,
      p: params.p ?? SCRYPT_DEFAULTS.p,
      maxmem: 256 * 1024 * 1024,
    });
    return new Uint8Array(out);
  }
  if (params.kind !== "key")
    throw new KeywardError("unseal_failed", "this data dir is sealed with a passphrase, not a key file");
  const raw = "keyFile" in material ? readKeyFile(material.keyFile) : material.key;
  if (raw.length !== 32) throw new KeywardError("unseal_failed", "root key must be 32 bytes");
  // Domain-separate the file bytes so the same file used elsewhere never equals our root key.
  return blake3DeriveKey("keyward v1 root-key-file", raw);
}
