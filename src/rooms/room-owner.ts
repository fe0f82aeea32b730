// Where a room's owner key comes from for one operation: a sealed raw seed, or a custody identity's key.
import { bytesToHex } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { SecretWriter } from "../store/ports.js";
import { type RoomOwnerKey, rawSeedOwnerKey } from "./owner-key.js";
import { getOwnerSeed, type RoomMeta } from "./repository.js";

/**
 * Custody as rooms see it: an Ed25519 identity key lent as a RoomOwnerKey (wired by src/service/). The key
 * loans it causes are audited naming `actor` (the caller) when given.
 */
export interface RoomCustodyPort {
  ownerKey(
    ref: { partition: string; identity: string; label?: string },
    actor?: string,
  ): Promise<RoomOwnerKey>;
}

/**
 * Runs `fn` with the owner key of the room `meta` describes; a raw seed is wiped when `fn` settles. A custody
 * key loan names `actor`.
 * @throws KeywardError `forbidden` (this replica holds no owner key), `not_found` (sealed seed missing),
 *   `unavailable` (custody-owned room without custody wired), `conflict` (the custody identity's key changed).
 */
export async function withRoomOwner<T>(
  meta: RoomMeta,
  secrets: SecretWriter,
  custody: RoomCustodyPort | undefined,
  fn: (owner: RoomOwnerKey) => Promise<T>,
  actor?: string,
): Promise<T> {
  const o = meta.owner;
  if (o.kind === "custody") {
    if (!custody) throw new KeywardError("unavailable", "custody-held owner keys are not available here");
    const owner = await custody.ownerKey(o, actor);
    // A room is identified by its owner key (River); rotating the identity (or its partition's MSK)
    // changes the key, and rooms cannot follow (docs/rooms.md, "Custody").
    if (bytesToHex(owner.publicKey) !== meta.room)
      throw new KeywardError(
        "conflict",
        "the custody identity that owns this room has a new key since the room was created (key or MSK rotation); the room stays owned by the previous key",
      );
    return fn(owner);
  }
  if (o.kind === "none")
    throw new KeywardError("forbidden", "this replica does not hold the room owner's key");
  const seed = await getOwnerSeed(secrets, meta.room);
  if (!seed) throw new KeywardError("not_found", "the room's owner seed is missing from the secret store");
  const owner = rawSeedOwnerKey(seed);
  seed.wipe();
  try {
    return await fn(owner);
  } finally {
    owner.wipe();
  }
}
