// Turns a verified River ChatRoomStateV1 into keyward records (re-signed) plus the River extras kept verbatim.
import { equalBytes, hexToBytes, wipe } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject } from "../crypto/ed25519.js";
import type {
  AuthorizedEncryptedSecretForMember,
  AuthorizedSecretVersionRecord,
  AuthorizedUserBan,
  ChatRoomState,
} from "../interop/river/index.js";
import { riverMemberId } from "../interop/river/index.js";
import { encryptSecretForKnownMembers } from "../kdf/river-ecies.js";
import { deriveRoomSecret } from "../kdf/room-secret.js";
import { sealedMemberRecord } from "./member-records.js";
import type { RoomOwnerKey } from "./owner-key.js";
import {
  type MemberRecord,
  type RemovalRecord,
  signRemoval,
  signVersion,
  type VersionRecord,
} from "./records.js";
import type { RiverExtras } from "./river-room.js";
import type { RoomState } from "./state.js";

/** What importing a River state does to a keyward room. */
export interface RiverImportPlan {
  /** Keyward records (owner-signed) for every derived version, its members' secrets and known-key bans. */
  readonly versions: VersionRecord[];
  readonly members: MemberRecord[];
  readonly removals: RemovalRecord[];
  readonly extras: RiverExtras;
  /** Versions whose secret is not derived from the owner seed (kept verbatim, never re-issued by keyward). */
  readonly foreignVersions: number[];
  /** River members (verifying key hex) with no keyward-derivable secret at the current version. */
  readonly missingMembers: string[];
  /** True when River's current version is foreign: keyward must rotate before it manages the room. */
  readonly mustRotate: boolean;
}

/**
 * Plans the import of a River state (already checked by `verifyRiverState`) into the room `known` of the
 * same owner. A version is keyward's when every member secret River holds for it is byte-identical to the
 * river-v1 encryption of `deriveRoomSecret(ownerSeed, owner, version)` (encryption is deterministic, so
 * River's derived rotations match exactly); its records are re-signed in keyward's format. Other versions,
 * bans of users whose key is unknown, and the parts keyward does not manage are kept verbatim as extras.
 * @param memberKeys River id → verifying key hex of River's members (from `verifyRiverState`).
 */
export async function planRiverImport(
  river: ChatRoomState,
  owner: RoomOwnerKey,
  known: RoomState,
  memberKeys: ReadonlyMap<bigint, string>,
): Promise<RiverImportPlan> {
  const room = known.room;
  const ownerId = riverMemberId(room);
  const keys = new Map(memberKeys);
  for (const r of known.records().members) keys.set(riverMemberId(hexToBytes(r.member)), r.member);
  for (const r of known.records().removals) keys.set(riverMemberId(hexToBytes(r.member)), r.member);
  const byVersion = new Map<number, AuthorizedEncryptedSecretForMember[]>();
  for (const e of river.secrets.encryptedSecrets) {
    const list = byVersion.get(e.secret.secretVersion) ?? [];
    list.push(e);
    byVersion.set(e.secret.secretVersion, list);
  }
  return owner.withSeed((seed) => {
    const key = ed25519PrivateKeyObject(seed);
    const versions: VersionRecord[] = [];
    const members: MemberRecord[] = [];
    const foreignVersions: AuthorizedSecretVersionRecord[] = [];
    const foreignSecrets: AuthorizedEncryptedSecretForMember[] = [];
    for (const v of river.secrets.versions) {
      const version = v.record.version;
      const blobs = byVersion.get(version) ?? [];
      const secret = deriveRoomSecret(seed, room, version);
      try {
        const recipients = blobs.map((b) =>
          b.secret.memberId === ownerId ? room : hexToBytes(keys.get(b.secret.memberId)!),
        );
        const expected = encryptSecretForKnownMembers(secret, recipients);
        const derived = blobs.every((b, i) => {
          const e = expected[i]!;
          return (
            equalBytes(b.secret.ciphertext, e.ciphertext) &&
            equalBytes(b.secret.nonce, e.nonce) &&
            equalBytes(b.secret.senderEphemeralPublicKey, e.ephemeralPublicKey)
          );
        });
        // A keyward version record also marks a foreign version's number as taken, so rotations go above it.
        versions.push(signVersion(room, key, version));
        if (!derived) {
          foreignVersions.push(v);
          foreignSecrets.push(...blobs);
          continue;
        }
        blobs.forEach((b, i) => {
          if (b.secret.memberId === ownerId) return;
          const e = expected[i]!;
          members.push(sealedMemberRecord(room, key, version, keys.get(b.secret.memberId)!, e));
        });
      } finally {
        wipe(secret);
      }
    }
    const current = river.secrets.currentVersion;
    const removals: RemovalRecord[] = [];
    const foreignBans: AuthorizedUserBan[] = [];
    for (const b of river.bans) {
      const vk = keys.get(b.ban.bannedUser);
      // Removed "by the rotation to" River's current version: never a member of it, nor of any later one.
      if (vk) removals.push(signRemoval(room, key, vk, current));
      else foreignBans.push(b);
    }
    const holders = new Set(members.filter((m) => m.version === current).map((m) => m.member));
    const missingMembers = [...memberKeys.values()].filter((vk) => !holders.has(vk)).sort();
    const extras: RiverExtras = {
      passthrough: {
        memberInfo: river.memberInfo,
        recentMessages: river.recentMessages,
        directMessages: river.directMessages,
        upgrade: river.upgrade,
        version: river.version,
      },
      // keyward writes configuration version floor + current + 1; the floor keeps it above River's.
      configurationFloor: Math.max(0, river.configuration.configuration.configurationVersion - current - 1),
      foreignVersions,
      foreignSecrets,
      foreignBans,
    };
    const foreign = foreignVersions.map((v) => v.record.version);
    const mustRotate = river.secrets.versions.length === 0 || foreign.includes(current);
    return { versions, members, removals, extras, foreignVersions: foreign, missingMembers, mustRotate };
  });
}
