// Hash wrappers: BLAKE3 (hash, keyed_hash, derive_key), SHA-256/512, Keccak-256, HMAC-SHA-256 (one-shot, pre-keyed).
// BLAKE3 is @noble/hashes: measured against blake3-wasm, @napi-rs/blake-hash and hash-wasm for 32–68-byte
// inputs and kept (BENCHMARKS.md, "crypto"); this file is the one place to swap it.
import { createHmac, hash } from "node:crypto";
import { blake3 } from "@noble/hashes/blake3.js";
import { _HMAC } from "@noble/hashes/hmac.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertBytes, assertInteger, assertString } from "./assert.js";
import { utf8 } from "./bytes.js";

// A fresh plain hasher copied into one reused hasher per 32-byte hash: skips constructing a hasher, ~1.6× on the
// 64-byte message an audited signature hashes (BENCHMARKS.md, issue 21). Hashing is synchronous, never re-entered.
const plainHasher = blake3.create();
const plainScratch = blake3.create();

/** BLAKE3 hash of `data` (`outLen` bytes, default 32). */
export function blake3Hash(data: Uint8Array, outLen = 32): Uint8Array {
  assertBytes(data, undefined, "data");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  if (outLen !== 32) return blake3(data, { dkLen: outLen });
  const h = plainHasher._cloneInto(plainScratch);
  const out = new Uint8Array(32);
  h.update(data).digestInto(out); // digestInto also wipes the scratch's state
  return out;
}

/** BLAKE3 keyed_hash mode with a 32-byte `key`. */
export function blake3Keyed(key: Uint8Array, data: Uint8Array, outLen = 32): Uint8Array {
  assertBytes(key, 32, "key");
  assertBytes(data, undefined, "data");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  return blake3(data, { key, dkLen: outLen });
}

/**
 * BLAKE3 keyed_hash of `parts[0] ‖ parts[1] ‖ …` with a 32-byte `key`, streamed (no concatenated copy).
 * @throws {TypeError|RangeError} when key is not 32 bytes or a part is not bytes.
 * @example blake3KeyedConcat(root, [ownerVerifyingKey, u32le(version)]);
 */
export function blake3KeyedConcat(key: Uint8Array, parts: readonly Uint8Array[], outLen = 32): Uint8Array {
  assertBytes(key, 32, "key");
  if (!Array.isArray(parts)) throw new InputTypeError("parts must be an array of Uint8Array");
  for (const [i, p] of parts.entries()) assertBytes(p, undefined, `parts[${i}]`);
  assertInteger(outLen, 1, 1 << 20, "outLen");
  const h = blake3.create({ key, dkLen: outLen });
  for (const p of parts) h.update(p);
  return h.digest(); // digest() also wipes the hasher's internal state
}

type Blake3Hasher = ReturnType<typeof blake3.create>;

// One derive_key hasher per context string, holding only the (public) context key: cloning it skips
// re-hashing the context on every call (deriveRoomSecret ≈1.3× faster, BENCHMARKS.md "crypto").
// Contexts are hard-coded constants, so the bound is never reached in practice.
const contextHashers = new Map<string, Blake3Hasher>();
const MAX_CACHED_CONTEXTS = 256;

function deriveKeyHasher(context: string): Blake3Hasher {
  const cached = contextHashers.get(context);
  if (cached) return cached.clone();
  const fresh = blake3.create({ context: utf8(context) });
  if (contextHashers.size >= MAX_CACHED_CONTEXTS) return fresh;
  contextHashers.set(context, fresh);
  return fresh.clone();
}

/**
 * BLAKE3 derive_key mode: `context` is a hard-coded, globally unique UTF-8 string.
 * @throws {TypeError|RangeError} for an empty or non-string context, non-bytes material or a bad outLen.
 * @example blake3DeriveKey("river-rotate v1 2026-04 room-secret-root", seed);
 */
export function blake3DeriveKey(context: string, material: Uint8Array, outLen = 32): Uint8Array {
  assertString(context, "context", { nonEmpty: true });
  // A lone surrogate would be encoded as U+FFFD, silently merging two different contexts.
  if (!context.isWellFormed()) throw new InputRangeError("context must be well-formed Unicode");
  assertBytes(material, undefined, "material");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  const h = deriveKeyHasher(context).update(material);
  // The XOF stream's first 32 bytes are the default digest, so one path serves every length.
  const out = h.xof(outLen);
  h.destroy(); // wipes the state that absorbed the (secret) material
  return out;
}

// One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object: ~1.5× createHash on short inputs, which the
// HTTP token check pays on every request.

/** SHA-256 (node:crypto). */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, "data");
  return new Uint8Array(hash("sha256", data, "buffer"));
}

/** SHA-512 (node:crypto). */
export function sha512(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, "data");
  return new Uint8Array(hash("sha512", data, "buffer"));
}

/** Keccak-256 (the pre-standard SHA-3 used by Ethereum). */
export function keccak256(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, "data");
  return keccak_256(data);
}

/** HMAC-SHA-256 (node:crypto). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  assertBytes(key, undefined, "key");
  assertBytes(data, undefined, "data");
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

type NobleHmac = _HMAC<ReturnType<typeof nobleSha256.create>>;

/**
 * HMAC-SHA-256 under one key for many messages (@noble/hashes): the key's inner and outer pad blocks are hashed
 * once, and each MAC starts from a copy of that state in one reused hasher, which each digest wipes. On a 32-byte
 * message (an audit entry's hash) this is ~1.25× node:crypto's `createHmac`; from about 90 bytes on, the
 * JavaScript compression makes it slower than `hmacSha256` (BENCHMARKS.md, issue 21).
 * Not re-entrant across threads (none share it); `wipe` destroys the keyed state.
 * @example const k = new HmacSha256Key(macKey); const tag = k.mac(hash); k.wipe();
 */
export class HmacSha256Key {
  readonly #base: NobleHmac;
  readonly #scratch: NobleHmac;
  #wiped = false;

  /** @throws {TypeError} when key is not bytes. */
  constructor(key: Uint8Array) {
    assertBytes(key, undefined, "key");
    this.#base = new _HMAC(nobleSha256, key);
    this.#scratch = this.#base.clone();
    this.#scratch.destroy();
  }

  /**
   * HMAC-SHA-256(key, data), equal to `hmacSha256(key, data)`.
   * @throws {TypeError} when data is not bytes. @throws {Error} once wiped.
   */
  mac(data: Uint8Array): Uint8Array {
    assertBytes(data, undefined, "data");
    if (this.#wiped) throw new Error("HmacSha256Key has been wiped");
    const h = this.#base._cloneInto(this.#scratch);
    const out = new Uint8Array(32);
    h.update(data).digestInto(out); // digestInto also destroys (wipes) the copied state
    return out;
  }

  /** Destroys the keyed state; `mac` throws afterwards. */
  wipe(): void {
    this.#wiped = true;
    this.#base.destroy();
    this.#scratch.destroy();
  }
}
