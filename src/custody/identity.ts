// Identity, label and partition-name canonicalisation: one spelling per identity so addresses are stable.
import { assertName } from "../crypto/assert.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

/** The key schemes custody derives. */
/** `bip340`: BIP-340 Schnorr over secp256k1 (x-only public keys), a key of its own (domain-separated). */
export const SCHEMES = ["ed25519", "secp256k1", "x25519", "bip340"] as const;
export type Scheme = (typeof SCHEMES)[number];

/** A canonical identity. `canonical` is `type:value` and is what the address is derived from. */
export interface CanonicalIdentity {
  readonly type: string;
  readonly value: string;
  readonly canonical: string;
}

const TYPE_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
// Practical e-mail shape (RFC 5321 lengths): one @, no spaces, a dot in the domain.
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@.][^\s@]*\.[^\s@]+$/;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;
const EVM_RE = /^0x[0-9a-f]{40}$/;
const HANDLE_RE = /^[a-z0-9](?:[a-z0-9-]{0,38})$/;
// C0/C1 controls, DEL and the Unicode line/paragraph separators never belong in an identity.
const CONTROL_RE = /[\p{Cc}\u2028\u2029]/u;

/** Value rules of the known identity types (after trimming and NFC normalisation). */
const KNOWN: Record<string, (value: string) => string> = {
  email(v) {
    const out = v.toLowerCase();
    if (out.length > 254 || !EMAIL_RE.test(out))
      throw new InputRangeError("identity: not a valid e-mail address");
    return out;
  },
  phone(v) {
    // Common separators are dropped so "+41 79 123-45-67" and "+41791234567" are one identity.
    const out = v.replace(/[\s().-]/g, "");
    if (!PHONE_RE.test(out)) throw new InputRangeError("identity: phone must be E.164, e.g. +41791234567");
    return out;
  },
  evm(v) {
    const out = v.toLowerCase();
    if (!EVM_RE.test(out)) throw new InputRangeError("identity: evm must be 0x followed by 40 hex digits");
    return out;
  },
  github(v) {
    const out = v.toLowerCase();
    if (!HANDLE_RE.test(out)) throw new InputRangeError("identity: github must be a GitHub login");
    return out;
  },
};

/** Identity types with their own value rules; any other `[a-z0-9-]+` type keeps its value case-sensitive. */
export const KNOWN_IDENTITY_TYPES = Object.keys(KNOWN);

/**
 * Canonicalises `type:value` (rules in docs/custody.md): the type is trimmed and lower-cased and must match
 * `[a-z0-9][a-z0-9-]{0,31}`; the value is trimmed and NFC-normalised, then checked by the type's rule
 * (email lower-cased, phone E.164, evm lower-case hex, github lower-cased login); other types keep the value
 * as given (1–256 characters, no control characters).
 * @throws {TypeError} when not a string. @throws {RangeError} for an empty or malformed identity.
 * @example canonicalIdentity(" Email:Alice@Example.COM ").canonical; // "email:alice@example.com"
 */
export function canonicalIdentity(input: unknown): CanonicalIdentity {
  if (typeof input !== "string") throw new InputTypeError("identity must be a string");
  if (!input.isWellFormed()) throw new InputRangeError("identity must be well-formed Unicode");
  const colon = input.indexOf(":");
  if (colon < 0) throw new InputRangeError("identity must be type:value, e.g. email:alice@example.com");
  const type = input.slice(0, colon).trim().toLowerCase();
  if (!TYPE_RE.test(type)) throw new InputRangeError("identity type must match [a-z0-9][a-z0-9-]{0,31}");
  const raw = input
    .slice(colon + 1)
    .trim()
    .normalize("NFC");
  if (raw.length === 0) throw new InputRangeError("identity value must not be empty");
  if (CONTROL_RE.test(raw)) throw new InputRangeError("identity value must not contain control characters");
  if (raw.length > 256) throw new InputRangeError("identity value must be at most 256 characters");
  const rule = KNOWN[type];
  const value = rule ? rule(raw) : raw;
  return { type, value, canonical: `${type}:${value}` };
}

/**
 * Validates a child label (e.g. an agent key under a user): "" for none, else `[a-z0-9][a-z0-9._-]{0,63}`.
 * @throws {TypeError}/{RangeError}.
 */
export function canonicalLabel(label: unknown): string {
  if (label === undefined) return "";
  if (label === "") return "";
  assertName(label, "label");
  return label;
}

/** Validates a partition name: `[a-z0-9][a-z0-9._-]{0,63}`. @throws {TypeError}/{RangeError}. */
export function assertPartitionName(name: unknown): asserts name is string {
  assertName(name, "partition");
}

/** Validates a scheme name. @throws {TypeError}/{RangeError}. */
export function assertScheme(scheme: unknown): asserts scheme is Scheme {
  if (typeof scheme !== "string") throw new InputTypeError("scheme must be a string");
  if (!(SCHEMES as readonly string[]).includes(scheme))
    throw new InputRangeError(`scheme must be one of ${SCHEMES.join(", ")}`);
}
