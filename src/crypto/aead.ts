// AEAD wrappers: AES-256-GCM and ChaCha20-Poly1305 (node:crypto), XChaCha20-Poly1305 (@noble/ciphers).
// Seal returns ciphertext‖tag; open returns undefined when authentication fails (a clean negative).
import { createCipheriv, createDecipheriv } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { assertBytes } from "./assert.js";

const TAG = 16;
const EMPTY = new Uint8Array(0);

type NodeAead = "aes-256-gcm" | "chacha20-poly1305";

/** The boundary checks every AEAD call shares: 32-byte key, nonce of the suite's size, bytes for the rest. */
function assertArgs(
  key: unknown,
  nonce: unknown,
  nonceLength: number,
  data: unknown,
  dataName: string,
  aad: unknown,
) {
  assertBytes(key, 32, "key");
  assertBytes(nonce, nonceLength, "nonce");
  assertBytes(data, undefined, dataName);
  assertBytes(aad, undefined, "aad");
}

function nodeSeal(
  alg: NodeAead,
  key: Uint8Array,
  nonce: Uint8Array,
  pt: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const c = createCipheriv(alg as "aes-256-gcm", key, nonce, { authTagLength: TAG });
  if (aad.length) c.setAAD(aad, { plaintextLength: pt.length });
  const body = c.update(pt);
  const fin = c.final();
  const tag = c.getAuthTag();
  const out = new Uint8Array(body.length + fin.length + TAG);
  out.set(body, 0);
  out.set(fin, body.length);
  out.set(tag, body.length + fin.length);
  return out;
}

function nodeOpen(
  alg: NodeAead,
  key: Uint8Array,
  nonce: Uint8Array,
  ct: Uint8Array,
  aad: Uint8Array,
): Uint8Array | undefined {
  if (ct.length < TAG) return undefined;
  // update() hands out plaintext before final() checks the tag: wipe that copy whatever happens.
  let body: Buffer | undefined;
  let fin: Buffer | undefined;
  try {
    // Both algorithms take a 16-byte tag; the cast only picks one of node's overloads.
    const d = createDecipheriv(alg as "aes-256-gcm", key, nonce, { authTagLength: TAG });
    d.setAuthTag(ct.subarray(ct.length - TAG));
    if (aad.length) d.setAAD(aad, { plaintextLength: ct.length - TAG });
    body = d.update(ct.subarray(0, ct.length - TAG));
    fin = d.final();
    // The usual case (GCM and ChaCha finish nothing): hand out update()'s own buffer, not a copy to wipe.
    if (fin.length === 0 && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) {
      const own = new Uint8Array(body.buffer, 0, body.byteLength);
      body = undefined;
      return own;
    }
    const out = new Uint8Array(body.length + fin.length);
    out.set(body, 0);
    out.set(fin, body.length);
    return out;
  } catch {
    return undefined;
  } finally {
    body?.fill(0);
    fin?.fill(0);
  }
}

/** AES-256-GCM seal with a 32-byte key and 12-byte nonce; returns ciphertext‖tag. */
export function aesGcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertArgs(key, nonce, 12, plaintext, "plaintext", aad);
  return nodeSeal("aes-256-gcm", key, nonce, plaintext, aad);
}

/** AES-256-GCM open; undefined when the tag does not verify. */
export function aesGcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array | undefined {
  assertArgs(key, nonce, 12, sealed, "ciphertext", aad);
  return nodeOpen("aes-256-gcm", key, nonce, sealed, aad);
}

/** ChaCha20-Poly1305 (RFC 8439) seal with a 32-byte key and 12-byte nonce. */
export function chachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertArgs(key, nonce, 12, plaintext, "plaintext", aad);
  return nodeSeal("chacha20-poly1305", key, nonce, plaintext, aad);
}

/** ChaCha20-Poly1305 open; undefined when the tag does not verify. */
export function chachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array | undefined {
  assertArgs(key, nonce, 12, sealed, "ciphertext", aad);
  return nodeOpen("chacha20-poly1305", key, nonce, sealed, aad);
}

/** XChaCha20-Poly1305 seal with a 32-byte key and a 24-byte (random-safe) nonce. */
export function xchachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertArgs(key, nonce, 24, plaintext, "plaintext", aad);
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** XChaCha20-Poly1305 open; undefined when the tag does not verify. */
export function xchachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array | undefined {
  assertArgs(key, nonce, 24, sealed, "ciphertext", aad);
  if (sealed.length < TAG) return undefined;
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed);
  } catch {
    return undefined;
  }
}
