// Root key from unseal material: a passphrase (scrypt, parameters stored), a key file (64 hex) or key shares.
import { scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { hexToBytes, utf8, wipe } from "../../crypto/bytes.js";
import { blake3DeriveKey } from "../../crypto/hash.js";
import { randomBytes } from "../../crypto/random.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { combineShares, readSharesFile, type ShareSplit, validateShareSplit } from "./key-shares.js";

/**
 * How the root key is obtained at start. Key shares: `shares` are K (or more) shares of the unseal key, or,
 * for `init` / `rekey`, all N shares of a new split with `split` naming N and K; `sharesFile` is a file holding
 * K shares, one a line (`KEYWARD_UNSEAL_SHARES_FILE`).
 */
export type UnsealMaterial =
  | { readonly passphrase: string }
  | { readonly keyFile: string }
  | { readonly key: Uint8Array }
  | { readonly shares: readonly Uint8Array[]; readonly split?: ShareSplit }
  | { readonly sharesFile: string };

/** Stored KDF parameters (not secret). `shares`/`threshold` are N and K of a key-share store. */
export interface RootKeyParams {
  readonly kind: "scrypt" | "key" | "shares";
  readonly salt?: string;
  readonly N?: number;
  readonly r?: number;
  readonly p?: number;
  readonly shares?: number;
  readonly threshold?: number;
}

/** How a store is unsealed, as its stored parameters say (no secret). */
export type UnsealMode =
  | { readonly kind: "passphrase" }
  | { readonly kind: "key-file" }
  | { readonly kind: "shares"; readonly shares: number; readonly threshold: number };

/** The unseal mode that stored `params` describe. */
export function unsealModeOf(params: RootKeyParams): UnsealMode {
  if (params.kind === "scrypt") return { kind: "passphrase" };
  if (params.kind === "key") return { kind: "key-file" };
  return { kind: "shares", shares: params.shares ?? 0, threshold: params.threshold ?? 0 };
}

/** True when `material` is key shares (given or in a file). */
export function isShareMaterial(
  material: UnsealMaterial,
): material is Extract<UnsealMaterial, { shares: readonly Uint8Array[] } | { sharesFile: string }> {
  return "shares" in material || "sharesFile" in material;
}

/** Default scrypt cost: N=2^15, r=8, p=1 (≈32 MiB, ~100 ms): interactive-grade, parameters stored for upgrade. */
export const SCRYPT_DEFAULTS = { N: 1 << 15, r: 8, p: 1 } as const;

/** New parameters for `material` (fresh salt for a passphrase). */
export function newRootKeyParams(material: UnsealMaterial): RootKeyParams {
  if (isShareMaterial(material)) {
    if (!("split" in material) || !material.split)
      throw new KeywardError("invalid_input", "new key shares need their split (shares and threshold)");
    const { shares, threshold } = validateShareSplit(material.split);
    if (material.shares.length !== shares)
      throw new KeywardError("invalid_input", "a new split must come with all of its shares");
    return { kind: "shares", shares, threshold };
  }
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

const MODE_NAMES = { scrypt: "a passphrase", key: "a key file", shares: "key shares" } as const;

function wrongMode(params: RootKeyParams, given: string): KeywardError {
  const mode = unsealModeOf(params);
  const detail = mode.kind === "shares" ? ` (${mode.threshold} of ${mode.shares})` : "";
  return new KeywardError(
    "unseal_failed",
    `this data dir is sealed with ${MODE_NAMES[params.kind]}${detail}, not ${given}`,
  );
}

/**
 * Derives the 32-byte root key from `material` under stored `params`: also for key shares, which are combined
 * first (the combined unseal key is wiped; the given shares are left to the caller).
 * @throws KeywardError `unseal_failed` for material of another mode, too few shares or an unreadable file.
 */
export async function resolveRootKey(material: UnsealMaterial, params: RootKeyParams): Promise<Uint8Array> {
  if (!isShareMaterial(material)) return deriveRootKey(material, params);
  if (params.kind !== "shares") throw wrongMode(params, "key shares");
  const shares = "sharesFile" in material ? readSharesFile(material.sharesFile) : material.shares;
  try {
    const unsealKey = await combineShares(shares, params.threshold ?? 2);
    try {
      // Domain-separated like a key file: the recombined bytes are never used as a key as they are.
      return blake3DeriveKey("keyward v1 root-key-shares", unsealKey);
    } finally {
      wipe(unsealKey);
    }
  } finally {
    if ("sharesFile" in material) wipe(...shares);
  }
}

/** Derives the 32-byte root key from a passphrase or key material under stored `params` (synchronous). */
export function deriveRootKey(material: UnsealMaterial, params: RootKeyParams): Uint8Array {
  if (isShareMaterial(material))
    throw new KeywardError("invalid_input", "key shares are combined by resolveRootKey");
  if ("passphrase" in material) {
    if (params.kind !== "scrypt" || !params.salt) throw wrongMode(params, "a passphrase");
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
  if (params.kind !== "key") throw wrongMode(params, "a key file");
  const raw = "keyFile" in material ? readKeyFile(material.keyFile) : material.key;
  if (raw.length !== 32) throw new KeywardError("unseal_failed", "root key must be 32 bytes");
  // Domain-separate the file bytes so the same file used elsewhere never equals our root key.
  return blake3DeriveKey("keyward v1 root-key-file", raw);
}
