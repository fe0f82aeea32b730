// Hash wrappers: BLAKE3 (hash, keyed_hash, derive_key), SHA-256/512, Keccak-256, HMAC-SHA-256.
import { createHash, createHmac } from "node:crypto";
import { blake3 } from "@noble/hashes/blake3.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { assertBytes, assertInteger, assertString } from "./assert.js";
import { utf8 } from "./bytes.js";

/** BLAKE3 hash of `data` (`outLen` bytes, default 32). */
export function blake3Hash(data: Uint8Array, outLen = 32): Uint8Array {
  assertBytes(data, undefined, "data");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  return blake3(data, { dkLen: outLen });
}

/** BLAKE3 keyed_hash mode with a 32-byte `key`. */
export function blake3Keyed(key: Uint8Array, data: Uint8Array, outLen = 32): Uint8Array {
  assertBytes(key, 32, "key");
  assertBytes(data, undefined, "data");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  return blake3(data, { key, dkLen: outLen });
}

/** BLAKE3 derive_key mode: `context` is a hard-coded, globally unique UTF-8 string. */
export function blake3DeriveKey(context: string, material: Uint8Array, outLen = 32): Uint8Array {
  assertString(context, "context", { nonEmpty: true });
  assertBytes(material, undefined, "material");
  assertInteger(outLen, 1, 1 << 20, "outLen");
  return blake3(material, { context: utf8(context), dkLen: outLen });
}

/** SHA-256 (node:crypto). */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, "data");
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** SHA-512 (node:crypto). */
export function sha512(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, "data");
  return new Uint8Array(createHash("sha512").update(data).digest());
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
