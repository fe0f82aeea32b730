// The room owner's Ed25519 key as a port: rooms never hold the seed themselves, they borrow it per operation.

import { assertBytes } from "../crypto/assert.js";
import { wipe } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { Secret } from "../crypto/secret.js";

/**
 * An owner key rooms can use without owning it: `publicKey` is the room id; `withSeed` lends the 32-byte
 * seed for one operation (the implementation wipes or guards its copy afterwards). Custody provides one
 * implementation (wired in src/service/rooms.ts); `rawSeedOwnerKey` is the library one.
 */
export interface RoomOwnerKey {
  readonly publicKey: Uint8Array;
  withSeed<T>(fn: (seed: Uint8Array) => Promise<T> | T): Promise<T>;
}

/**
 * A RoomOwnerKey over a raw 32-byte Ed25519 seed held in a `Secret` (a copy; `wipe()` it when done).
 * @throws {TypeError|RangeError} when the seed is not 32 bytes.
 * @example
 * const owner = rawSeedOwnerKey(seed);
 * const room = await createRoom(owner); // room.roomHex === bytesToHex(owner.publicKey)
 */
export function rawSeedOwnerKey(seed: Uint8Array | Secret): RoomOwnerKey & { wipe(): void } {
  const held = seed instanceof Secret ? Secret.from(seed.expose()) : Secret.from(seed);
  assertBytes(held.expose(), 32, "ownerSeed");
  const publicKey = ed25519PublicKey(held.expose());
  return {
    publicKey,
    async withSeed<T>(fn: (seed: Uint8Array) => Promise<T> | T): Promise<T> {
      // Lend a copy so a callee that wipes its argument cannot destroy the held seed.
      const copy = Uint8Array.from(held.expose());
      try {
        return await fn(copy);
      } finally {
        wipe(copy);
      }
    },
    wipe() {
      held.wipe();
    },
  };
}
