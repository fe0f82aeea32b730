// libsodium (sodium-native, prebuilt N-API binding): Ed25519 and X25519 on raw bytes, no OpenSSL key import.
import { createRequire } from "node:module";

/** The few libsodium calls keyward uses; every one writes into caller-owned buffers (so they can be wiped). */
export interface SodiumBinding {
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  /** X25519 (RFC 7748); throws when the peer key has small order or the result is all zeros. */
  crypto_scalarmult(shared: Uint8Array, scalar: Uint8Array, publicKey: Uint8Array): void;
  crypto_scalarmult_base(publicKey: Uint8Array, scalar: Uint8Array): void;
  sodium_malloc(size: number): Uint8Array;
  sodium_memzero(buffer: Uint8Array): void;
}

/**
 * The libsodium binding. Loaded through `createRequire` because sodium-native is a CommonJS package without
 * type declarations; the interface above is the part of its API that keyward relies on.
 */
export const sodium = createRequire(import.meta.url)("sodium-native") as SodiumBinding;
