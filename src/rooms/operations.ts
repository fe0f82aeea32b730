// Owner operations on a room: create, add, remove (ban) and rotate, each returning the new signed records.
import { assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject } from "../crypto/ed25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import { assertRiverMemberKey } from "../kdf/river-ecies.js";
import { buildMemberRecords } from "./member-records.js";
import type { RoomOwnerKey } from "./owner-key.js";
import { MAX_ROOM_VERSION, signRemoval, signVersion } from "./records.js";
import type { RotationPool } from "./rotation-pool.js";
import { type RoomRecordSet, RoomState } from "./state.js";

/** The records an operation produced (merge them into the state and persist them). */
export interface RoomChange extends RoomRecordSet {
  /** The room's current version after the change. */
  readonly version: number;
}

/** Parses a member verifying key given as hex and checks it can receive river-v1 secrets. */
export function parseMemberKey(hex: string, name = "member"): string {
  const bytes = hexToBytes(hex, name, 32);
  assertRiverMemberKey(bytes, name);
  return bytesToHex(bytes);
}

function assertOwner(state: RoomState, owner: RoomOwnerKey): void {
  if (bytesToHex(owner.publicKey) !== state.roomHex)
    throw new KeywardError("forbidden", "the owner key does not own this room");
}

function assertStarted(state: RoomState): number {
  const current = state.currentVersion;
  if (current < 0) throw new KeywardError("not_found", "room has no version records");
  return current;
}

/**
 * Version 0 of a new room owned by `owner` (no members yet).
 * @example const state = new RoomState(owner.publicKey); state.merge(await createRoomRecords(owner));
 */
export async function createRoomRecords(owner: RoomOwnerKey): Promise<RoomChange> {
  return owner.withSeed((seed) => {
    const key = ed25519PrivateKeyObject(seed);
    return { version: 0, versions: [signVersion(owner.publicKey, key, 0)], members: [], removals: [] };
  });
}

/**
 * Gives `member` the current version's secret. Idempotent for an existing member; a removed member is
 * refused (removal is a permanent ban: re-invite with a new key).
 * @throws KeywardError `revoked` for a removed member, `invalid_input` for a bad key, `forbidden` for
 *   a foreign owner key.
 */
export async function addMemberRecords(
  state: RoomState,
  owner: RoomOwnerKey,
  memberHex: string,
): Promise<RoomChange> {
  assertOwner(state, owner);
  const member = parseMemberKey(memberHex);
  const version = assertStarted(state);
  const removal = state.removals.get(member);
  if (removal)
    throw new KeywardError(
      "revoked",
      `member was removed at version ${removal.version}; removal is permanent`,
    );
  if (state.memberRecord(version, member)) return { version, versions: [], members: [], removals: [] };
  const members = await owner.withSeed((seed) => buildMemberRecords(seed, state.room, version, [member]));
  return { version, versions: [], members, removals: [] };
}

/**
 * Rotates synchronously to current + 1: a new version record, removal records for `removed`, and the new
 * secret encrypted for every remaining member. Used by remove/ban (with members) and manual rotation.
 * @throws KeywardError `not_found` when a removed key is not a current member, `conflict` at the maximum
 *   version (never wraps), `forbidden` for a foreign owner key.
 */
export async function rotateRecords(
  state: RoomState,
  owner: RoomOwnerKey,
  removed: readonly string[] = [],
  pool?: RotationPool,
): Promise<RoomChange> {
  assertOwner(state, owner);
  const current = assertStarted(state);
  if (current >= MAX_ROOM_VERSION) throw new KeywardError("conflict", "room is at the maximum version");
  const next = current + 1;
  assertInteger(next, 1, MAX_ROOM_VERSION, "version");
  const currentMembers = state.membersAt(current);
  const gone = new Set(removed.map((m) => parseMemberKey(m)));
  for (const m of gone)
    if (!currentMembers.includes(m))
      throw new KeywardError("not_found", "member is not in the room's current version");
  const staying = currentMembers.filter((m) => !gone.has(m));
  return owner.withSeed(async (seed) => {
    const key = ed25519PrivateKeyObject(seed);
    const members = pool
      ? await pool.build(seed, state.room, next, staying)
      : buildMemberRecords(seed, state.room, next, staying);
    return {
      version: next,
      versions: [signVersion(state.room, key, next)],
      members,
      removals: [...gone].sort().map((m) => signRemoval(state.room, key, m, next)),
    };
  });
}

/** A fresh RoomState for `owner` holding version 0. */
export async function newRoomState(owner: RoomOwnerKey): Promise<RoomState> {
  const state = new RoomState(owner.publicKey);
  state.merge(await createRoomRecords(owner));
  return state;
}
