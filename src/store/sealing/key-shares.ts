// Key shares of the root unseal key: Shamir split/combine (the audited `shamir-secret-sharing`), share text, files.
import { readFileSync } from "node:fs";
import { combine as shamirCombine, split as shamirSplit } from "shamir-secret-sharing";
import { bytesToHex, wipe } from "../../crypto/bytes.js";
import { randomBytes } from "../../crypto/random.js";
import { InputRangeError, InputTypeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";

/** Bytes of the root unseal key that is split (a share is one byte longer: its x-coordinate). */
export const UNSEAL_KEY_BYTES = 32;
/** Bytes of one share: the 32 y-values then the x-coordinate (1…255), as the library lays them out. */
export const SHARE_BYTES = UNSEAL_KEY_BYTES + 1;
/** Characters of one share's text form (lower-case hex). */
export const SHARE_HEX_LENGTH = SHARE_BYTES * 2;

/** How many shares exist and how many unseal. */
export interface ShareSplit {
  /** N: shares made (2…255). */
  readonly shares: number;
  /** K: shares needed to unseal (2…N). */
  readonly threshold: number;
}

/**
 * Validates N and K: integers with 2 ≤ K ≤ N ≤ 255. `flags` names them in messages (e.g. `--shares`).
 * @throws {TypeError} when one is not an integer; {RangeError} when out of range.
 */
export function validateShareSplit(
  split: ShareSplit,
  flags: { shares: string; threshold: string } = { shares: "shares", threshold: "threshold" },
): ShareSplit {
  const { shares, threshold } = split;
  if (!Number.isInteger(shares)) throw new InputTypeError(`${flags.shares} must be an integer`);
  if (!Number.isInteger(threshold)) throw new InputTypeError(`${flags.threshold} must be an integer`);
  if (shares < 2 || shares > 255) throw new InputRangeError(`${flags.shares} must be 2…255`);
  if (threshold < 2) throw new InputRangeError(`${flags.threshold} must be at least 2`);
  if (threshold > shares) throw new InputRangeError(`${flags.threshold} must not exceed ${flags.shares}`);
  return { shares, threshold };
}

/**
 * A fresh random unseal key split into `split.shares` shares, `split.threshold` of which recombine it. The key
 * itself is wiped before this returns: only the shares exist (the caller prints them once and wipes them).
 * @example const shares = await newUnsealShares({ shares: 5, threshold: 3 });
 */
export async function newUnsealShares(split: ShareSplit): Promise<Uint8Array[]> {
  const { shares, threshold } = validateShareSplit(split);
  const key = randomBytes(UNSEAL_KEY_BYTES);
  try {
    return await shamirSplit(key, shares, threshold);
  } finally {
    wipe(key);
  }
}

/**
 * Recombines the unseal key from shares. Shamir shares carry no integrity: a wrong share yields a wrong key,
 * which the caller detects when it fails to unwrap the keyring (AES-GCM). The shares are not wiped here.
 * @throws KeywardError `unseal_failed` when fewer than `threshold` distinct shares are given.
 */
export async function combineShares(shares: readonly Uint8Array[], threshold: number): Promise<Uint8Array> {
  for (const s of shares) assertShareBytes(s);
  const xs = new Set(shares.map((s) => s[SHARE_BYTES - 1]));
  if (xs.size !== shares.length) throw new KeywardError("unseal_failed", "the same share was given twice");
  if (shares.length < threshold)
    throw new KeywardError("unseal_failed", `${threshold} shares are needed, ${shares.length} given`);
  return shamirCombine([...shares]);
}

function assertShareBytes(share: Uint8Array): void {
  if (!(share instanceof Uint8Array)) throw new InputTypeError("share must be bytes");
  if (share.length !== SHARE_BYTES || share[SHARE_BYTES - 1] === 0)
    throw new InputRangeError(`share must be ${SHARE_BYTES} bytes with a non-zero last byte`);
}

/** The text form of a share: 66 lower-case hex characters. */
export function encodeShare(share: Uint8Array): string {
  assertShareBytes(share);
  return bytesToHex(share);
}

const SHARE_RE = /^[0-9a-fA-F]+$/;

/**
 * Parses a share's text form (66 hex characters; surrounding whitespace ignored). Never echoes the input.
 * @throws {TypeError} when `text` is not a string; {RangeError} when it is not a well-formed share.
 */
export function parseShare(text: unknown, field = "share"): Uint8Array {
  if (typeof text !== "string") throw new InputTypeError(`${field} must be a string`);
  const t = text.trim();
  if (t.length !== SHARE_HEX_LENGTH || !SHARE_RE.test(t))
    throw new InputRangeError(`${field} must be ${SHARE_HEX_LENGTH} hex characters`);
  const out = new Uint8Array(Buffer.from(t, "hex"));
  if (out[SHARE_BYTES - 1] === 0) {
    wipe(out);
    throw new InputRangeError(`${field} is not a valid share`);
  }
  return out;
}

/**
 * Shares from text: one a line, blank lines and `#` comments skipped; a line may carry a label before the share
 * (`share 2 of 5: <hex>`, as `keyward init --shares` prints them): the last word is the share.
 * @throws {RangeError} naming the line number of a malformed share.
 */
export function parseSharesText(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const lines = text.split(/\r?\n/);
  try {
    lines.forEach((line, i) => {
      const t = line.trim();
      if (t === "" || t.startsWith("#")) return;
      out.push(parseShare(t.split(/\s+/).at(-1), `share on line ${i + 1}`));
    });
  } catch (err) {
    wipe(...out);
    throw err;
  }
  return out;
}

/**
 * Reads shares from a file (or a named pipe such as `<(pass show …)`), one a line.
 * @throws KeywardError `unseal_failed` naming the path when it cannot be read or holds a malformed share.
 */
export function readSharesFile(path: string): Uint8Array[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new KeywardError("unseal_failed", `cannot read shares file ${path}`);
  }
  try {
    return parseSharesText(text);
  } catch (err) {
    throw new KeywardError("unseal_failed", `shares file ${path}: ${(err as Error).message}`);
  }
}
