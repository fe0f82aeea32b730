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

function load(): SodiumBinding | undefined {
  if (process.env.KEYWARD_NO_SODIUM === "1") return undefined;
  try {
    return createRequire(import.meta.url)("sodium-native") as SodiumBinding;
  } catch {
    return undefined; // no prebuilt binary for this platform (e.g. musl): callers use the portable path
  }
}

/**
 * The libsodium binding, or undefined where its prebuilt binary does not load (or with KEYWARD_NO_SODIUM=1).
 * Loaded through `createRequire` because sodium-native is a CommonJS package without type declarations; the
 * interface above is the part of its API that keyward relies on. Without it, Ed25519 seed signing falls
 * back to OpenSSL KeyObjects (~10× slower) and X25519 to @noble/curves: same bytes, slower.
 */
export const sodium: SodiumBinding | undefined = load();

/** Whether the fast native path (libsodium) is in use; `serve` warns when it is not. */
export function nativeCryptoAvailable(): boolean {
  return sodium !== undefined;
}
