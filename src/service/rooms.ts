// Wires the rooms domain: the custody-backed owner key port and the rotation thread pool.
import { availableParallelism } from "node:os";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import type { RoomOwnerKey } from "../rooms/owner-key.js";
import { type RoomCustodyPort, RoomsService } from "../rooms/rooms-service.js";
import { RotationPool } from "../rooms/rotation-pool.js";
import type { Storage } from "../store/ports.js";

/** A custody identity reference as rooms store it. */
export interface CustodyIdentityRef {
  readonly partition: string;
  readonly identity: string;
  readonly label?: string;
}

/**
 * What rooms need from custody: lend an identity's current Ed25519 seed for one operation (custody wipes
 * it afterwards). Custody's service-internal `withEd25519Seed` has this shape.
 */
export interface CustodyEd25519Lender {
  withEd25519Seed<T>(ref: CustodyIdentityRef, fn: (seed: Uint8Array) => T | Promise<T>): Promise<T>;
}

/** Adapts custody to the rooms port: the public key is read once, the seed is borrowed per operation. */
export function custodyRoomOwnerKeys(custody: CustodyEd25519Lender): RoomCustodyPort {
  return {
    async ownerKey(ref: CustodyIdentityRef): Promise<RoomOwnerKey> {
      const publicKey = await custody.withEd25519Seed(ref, (seed) => ed25519PublicKey(seed));
      return {
        publicKey,
        withSeed: (fn) => custody.withEd25519Seed(ref, fn),
      };
    },
  };
}

/** Rooms wired over a storage, with its rotation pool. */
export interface WiredRooms {
  readonly rooms: RoomsService;
  close(): Promise<void>;
}

/**
 * Creates the rooms service. `threads` (default: every available core, at most 4) sizes the rotation pool
 * used for rooms of ≥ PARALLEL_THRESHOLD members; workers start on first use.
 * @example const { rooms, close } = createRooms(storage); await rooms.rotate("team"); await close();
 */
export function createRooms(
  storage: Storage,
  options: { custody?: CustodyEd25519Lender; threads?: number } = {},
): WiredRooms {
  const pool = new RotationPool(options.threads ?? Math.min(4, Math.max(1, availableParallelism())));
  const rooms = new RoomsService(storage, {
    pool,
    ...(options.custody ? { custody: custodyRoomOwnerKeys(options.custody) } : {}),
  });
  return { rooms, close: () => pool.close() };
}
