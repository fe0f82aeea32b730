// How a WebAssembly delegate's raw secret keys map onto names in its sealed namespace (and back): one
// injective mapping, so what the delegate stores is what `keyward delegate secret list` shows.
import { bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { RESERVED_SECRET_PREFIX } from "../validate.js";

const HEX_PREFIX = "hex:";
const PRINTABLE = /^[\x21-\x7e]{1,200}$/;
/** Longest raw key a module may use (hex form must fit the 200-character name limit). */
export const MAX_RAW_KEY_BYTES = 98;

/**
 * The namespace name of a raw key: the key itself when it is printable ASCII without spaces (≤ 200), does
 * not start with `hex:` and is not under keyward's reserved prefix; otherwise `hex:` + its hex.
 * Returns undefined for a key too long for either form (the module's write then fails).
 */
export function secretNameOf(rawKey: Uint8Array): string | undefined {
  const text = Buffer.from(rawKey).toString("latin1");
  if (PRINTABLE.test(text) && !text.startsWith(HEX_PREFIX) && !text.startsWith(RESERVED_SECRET_PREFIX))
    return text;
  if (rawKey.length > MAX_RAW_KEY_BYTES) return undefined;
  return HEX_PREFIX + bytesToHex(rawKey);
}

/** The raw key of a namespace name, or undefined for keyward's reserved names (never shown to a module). */
export function rawKeyOf(name: string): Uint8Array | undefined {
  if (name.startsWith(RESERVED_SECRET_PREFIX)) return undefined;
  if (name.startsWith(HEX_PREFIX)) {
    try {
      return hexToBytes(name.slice(HEX_PREFIX.length), "name");
    } catch {
      return undefined;
    }
  }
  return Buffer.from(name, "latin1");
}
