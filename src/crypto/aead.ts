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

/** Seals `plaintext` under a 32-byte key and the suite's nonce; returns ciphertext‖tag. */
export type AeadSeal = (
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
) => Uint8Array;

/** Opens ciphertext‖tag; undefined when the tag does not verify. */
export type AeadOpen = (
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad?: Uint8Array,
) => Uint8Array | undefined;

/** One suite's pair: the boundary checks, then the raw cipher (a too-short ciphertext never reaches it). */
function suite(
  nonceLength: number,
  seal: (key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array) => Uint8Array,
  open: (key: Uint8Array, nonce: Uint8Array, ct: Uint8Array, aad: Uint8Array) => Uint8Array | undefined,
): { seal: AeadSeal; open: AeadOpen } {
  return {
    seal(key, nonce, plaintext, aad = EMPTY) {
      assertArgs(key, nonce, nonceLength, plaintext, "plaintext", aad);
      return seal(key, nonce, plaintext, aad);
    },
    open(key, nonce, sealed, aad = EMPTY) {
      assertArgs(key, nonce, nonceLength, sealed, "ciphertext", aad);
      return sealed.length < TAG ? undefined : open(key, nonce, sealed, aad);
    },
  };
}

function nodeSuite(alg: NodeAead): { seal: AeadSeal; open: AeadOpen } {
  return suite(
    12,
    (key, nonce, pt, aad) => nodeSeal(alg, key, nonce, pt, aad),
    (key, nonce, ct, aad) => nodeOpen(alg, key, nonce, ct, aad),
  );
}

const AES_GCM = nodeSuite("aes-256-gcm");
const CHACHA = nodeSuite("chacha20-poly1305");
const XCHACHA = suite(
  24,
  (key, nonce, pt, aad) => xchacha20poly1305(key, nonce, aad).encrypt(pt),
  (key, nonce, ct, aad) => {
    try {
      return xchacha20poly1305(key, nonce, aad).decrypt(ct);
    } catch {
      return undefined;
    }
  },
);

/** AES-256-GCM seal with a 32-byte key and 12-byte nonce; returns ciphertext‖tag. */
export const aesGcmSeal: AeadSeal = AES_GCM.seal;

/** AES-256-GCM open; undefined when the tag does not verify. */
export const aesGcmOpen: AeadOpen = AES_GCM.open;

/** ChaCha20-Poly1305 (RFC 8439) seal with a 32-byte key and 12-byte nonce. */
export const chachaSeal: AeadSeal = CHACHA.seal;

/** ChaCha20-Poly1305 open; undefined when the tag does not verify. */
export const chachaOpen: AeadOpen = CHACHA.open;

/** XChaCha20-Poly1305 seal with a 32-byte key and a 24-byte (random-safe) nonce. */
export const xchachaSeal: AeadSeal = XCHACHA.seal;

/** XChaCha20-Poly1305 open; undefined when the tag does not verify. */
export const xchachaOpen: AeadOpen = XCHACHA.open;
