// Wires the rooms domain: the custody-backed owner key port and the rotation thread pool.
import { availableParallelism } from "node:os";
import { hexToBytes } from "../crypto/bytes.js";
import type { RoomOwnerKey } from "../rooms/owner-key.js";
import { RiverRooms } from "../rooms/river-rooms.js";
import type { RoomCustodyPort } from "../rooms/room-owner.js";
import { RoomsService } from "../rooms/rooms-service.js";
import { RotationPool } from "../rooms/rotation-pool.js";
import type { Storage } from "../store/ports.js";

export type { RiverRooms } from "../rooms/river-rooms.js";
export type { RoomsService } from "../rooms/rooms-service.js";
export { verifyRoomExport } from "../rooms/verify.js";

/** A custody identity reference as rooms store it. */
export interface CustodyIdentityRef {
  readonly partition: string;
  readonly identity: string;
  readonly label?: string;
}

/**
 * What rooms need from custody: an identity's current Ed25519 public key (a read; only a first use is audited),
 * and its seed lent for one operation (audited as `custody.key-use`; custody wipes it afterwards), each naming
 * the caller `actor` when given. `Custody` has this shape (`key`, service-internal `withEd25519Seed`).
 */
export interface CustodyEd25519Lender {
  key(ref: CustodyIdentityRef, scheme: "ed25519", actor?: string): Promise<{ readonly publicKey: string }>;
  withEd25519Seed<T>(
    ref: CustodyIdentityRef,
    fn: (seed: Uint8Array) => T | Promise<T>,
    purpose?: string,
    actor?: string,
  ): Promise<T>;
}

/**
 * Adapts custody to the rooms port: the public key is read without borrowing the seed, so an operation that
 * rooms refuse before signing (a ban of a non-member, re-adding a banned key) leaves no key loan behind;
 * the seed is borrowed only to sign, naming the caller (`actor`) when given.
 */
export function custodyRoomOwnerKeys(custody: CustodyEd25519Lender): RoomCustodyPort {
  return {
    async ownerKey(ref: CustodyIdentityRef, actor?: string): Promise<RoomOwnerKey> {
      const { publicKey: hex } = await custody.key(ref, "ed25519", actor);
      const publicKey = hexToBytes(hex, "publicKey", 32);
      return {
        publicKey,
        withSeed: (fn) => custody.withEd25519Seed(ref, fn, undefined, actor),
      };
    },
  };
}

/** Rooms wired over a storage, with its rotation pool. */
export interface WiredRooms {
  readonly rooms: RoomsService;
  /** The same rooms in River's wire format (export/import of ChatRoomStateV1). */
  readonly river: RiverRooms;
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
  const custody = options.custody ? custodyRoomOwnerKeys(options.custody) : undefined;
  const rooms = new RoomsService(storage, { pool, ...(custody ? { custody } : {}) });
  return { rooms, river: new RiverRooms(storage, rooms, custody), close: () => pool.close() };
}
