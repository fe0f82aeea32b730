// libsodium (sodium-native, prebuilt N-API binding): Ed25519 from a seed without OpenSSL's slow PKCS#8 import.
import { createRequire } from "node:module";

/** The few libsodium calls keyward uses; every one writes into caller-owned buffers (so they can be wiped). */
export interface SodiumBinding {
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  sodium_malloc(size: number): Uint8Array;
  sodium_memzero(buffer: Uint8Array): void;
}

/**
 * The libsodium binding. Loaded through `createRequire` because sodium-native is a CommonJS package without
 * type declarations; the interface above is the part of its API that keyward relies on.
 */
export const sodium = createRequire(import.meta.url)("sodium-native") as SodiumBinding;
