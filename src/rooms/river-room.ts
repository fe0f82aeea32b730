// A keyward room as River's ChatRoomStateV1: every record re-signed in River's format, deterministically.
import type { KeyObject } from "node:crypto";
import { aesGcmSeal } from "../crypto/aead.js";
import { hexToBytes, utf8, wipe } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject, ed25519Sign } from "../crypto/ed25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import {
  type AuthorizedEncryptedSecretForMember,
  type AuthorizedMember,
  type AuthorizedSecretVersionRecord,
  type AuthorizedUserBan,
  type ChatRoomState,
  type Configuration,
  fastHash,
  RIVER_DEFAULT_PARTS,
  riverMemberId,
  riverSigned,
  type SystemTime,
} from "../interop/river/index.js";
import { encryptSecretForKnownMembers } from "../kdf/river-ecies.js";
import { deriveRoomSecret } from "../kdf/room-secret.js";
import { deriveSubkey } from "../kdf/subkey.js";
import type { RoomOwnerKey } from "./owner-key.js";
import type { RoomState } from "./state.js";

/** Context of the deterministic nonce that seals the room name (docs/rooms.md, "River mapping"). */
export const RIVER_NAME_NONCE_CONTEXT = "keyward v1 river-room-name-nonce";

/** Limits keyward writes into River's `Configuration` (River's defaults, except the two caps below). */
export const RIVER_CONFIGURATION_DEFAULTS = {
  maxRecentMessages: 100,
  // River evicts the oldest bans beyond this cap and refuses more members than `max_members`; keyward never
  // forgets a ban and has no member cap, so both are raised to the largest value River's u32 usize holds.
  maxUserBans: 0xffff_ffff,
  maxMessageSize: 1000,
  maxNicknameSize: 50,
  maxMembers: 0xffff_ffff,
  maxRoomName: 100,
  maxRoomDescription: 500,
} as const;

/** River parts keyward does not manage, carried verbatim from an imported River state. */
export interface RiverPassthrough {
  readonly memberInfo: Uint8Array;
  readonly recentMessages: Uint8Array;
  readonly directMessages: Uint8Array;
  readonly upgrade: Uint8Array;
  readonly version: Uint8Array;
}

/**
 * What an imported River state held that keyward's records cannot re-create, kept verbatim and exported as is:
 * the unmanaged parts, versions whose secret is not derived from the owner seed (River's UI makes v0 random)
 * with their member secrets, bans of users whose verifying key is unknown, and the imported configuration
 * version (keyward's configuration versions continue above it).
 */
export interface RiverExtras {
  readonly passthrough: RiverPassthrough;
  readonly configurationFloor: number;
  readonly foreignVersions: readonly AuthorizedSecretVersionRecord[];
  readonly foreignSecrets: readonly AuthorizedEncryptedSecretForMember[];
  readonly foreignBans: readonly AuthorizedUserBan[];
}

/** Extras of a room that never came from River. */
export const NO_RIVER_EXTRAS: RiverExtras = {
  passthrough: RIVER_DEFAULT_PARTS,
  configurationFloor: 0,
  foreignVersions: [],
  foreignSecrets: [],
  foreignBans: [],
};

/**
 * The deterministic `SystemTime` keyward writes for an event of `version` (a secret version's `created_at`,
 * a ban's `banned_at`): `version` seconds after the Unix epoch, 0 ns. Replicas never read a clock, so they
 * agree byte for byte; the order of versions is the order of times, which is all River uses them for.
 */
export function riverTimeOfVersion(version: number): SystemTime {
  return { secs: BigInt(version), nanos: 0 };
}

function cmpId(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpTime(a: SystemTime, b: SystemTime): number {
  return a.secs !== b.secs ? cmpId(a.secs, b.secs) : a.nanos - b.nanos;
}

/** River's canonical ban order (`BansV1::apply_delta`): by `banned_at`, then by `BanId = fast_hash(signature)`. */
export function sortRiverBans(bans: AuthorizedUserBan[]): AuthorizedUserBan[] {
  return bans.sort(
    (a, b) => cmpTime(a.ban.bannedAt, b.ban.bannedAt) || cmpId(fastHash(a.signature), fastHash(b.signature)),
  );
}

/** River's canonical secret order: versions by number, member secrets by (version, member id). */
export function sortRiverSecrets(
  s: AuthorizedEncryptedSecretForMember[],
): AuthorizedEncryptedSecretForMember[] {
  return s.sort(
    (a, b) => a.secret.secretVersion - b.secret.secretVersion || cmpId(a.secret.memberId, b.secret.memberId),
  );
}

/** The owner-signed configuration of a keyward room: private, its name sealed under the current secret. */
function configuration(
  owner: KeyObject,
  secret: Uint8Array,
  room: Uint8Array,
  version: number,
  name: string,
  floor: number,
) {
  const plain = utf8(name);
  const nonce = deriveSubkey(RIVER_NAME_NONCE_CONTEXT, secret, room, plain).slice(0, 12);
  const c: Configuration = {
    ownerMemberId: riverMemberId(room),
    // Bumped by every rotation (the name is re-sealed), so River accepts the new configuration as a delta;
    // above the configuration version of an imported River state.
    configurationVersion: floor + version + 1,
    privacyMode: "Private",
    display: {
      name: {
        kind: "Private",
        ciphertext: aesGcmSeal(secret, nonce, plain),
        nonce,
        secretVersion: version,
        declaredLenBytes: plain.length,
      },
      description: null,
    },
    ...RIVER_CONFIGURATION_DEFAULTS,
    maxRoomName: Math.max(RIVER_CONFIGURATION_DEFAULTS.maxRoomName, plain.length),
    maxDirectMessages: null,
  };
  return { configuration: c, signature: ed25519Sign(owner, riverSigned.configuration(c)) };
}

/**
 * Projects a keyward room onto River's `ChatRoomStateV1`, signed with the owner key: configuration, a ban per
 * removal, an owner-invited member per current member, a version record per version and, per version, the
 * river-v1 secret for the owner and for every current member holding that version. Everything is in River's
 * canonical order and every time is `riverTimeOfVersion`, so two replicas produce identical bytes.
 * @throws KeywardError `not_found` for a room without versions.
 * @example const bytes = encodeChatRoomState(await riverRoomState(state, owner, "team"));
 */
export async function riverRoomState(
  state: RoomState,
  owner: RoomOwnerKey,
  name: string | null,
  extras: RiverExtras = NO_RIVER_EXTRAS,
): Promise<ChatRoomState> {
  const room = state.room;
  const ownerId = riverMemberId(room);
  const current = state.currentVersion;
  const memberHex = state.membersAt(current);
  const memberSet = new Set(memberHex);
  return owner.withSeed((seed) => {
    const key = ed25519PrivateKeyObject(seed);
    const members: AuthorizedMember[] = memberHex
      .map((hex) => {
        const member = {
          ownerMemberId: ownerId,
          invitedBy: ownerId,
          memberVk: hexToBytes(hex, "member", 32),
        };
        return { member, signature: ed25519Sign(key, riverSigned.member(member)) };
      })
      .sort((a, b) => cmpId(riverMemberId(a.member.memberVk), riverMemberId(b.member.memberVk)));
    const foreign = new Set(extras.foreignVersions.map((v) => v.record.version));
    const memberIds = new Set(members.map((m) => riverMemberId(m.member.memberVk)));
    const bans = sortRiverBans([
      ...extras.foreignBans,
      ...state.records().removals.map((r) => {
        const ban = {
          ownerMemberId: ownerId,
          bannedAt: riverTimeOfVersion(r.version),
          bannedUser: riverMemberId(hexToBytes(r.member, "member", 32)),
        };
        return { ban, bannedBy: ownerId, signature: ed25519Sign(key, riverSigned.ban(ban)) };
      }),
    ]);
    const versions: AuthorizedSecretVersionRecord[] = [];
    const secrets: AuthorizedEncryptedSecretForMember[] = [];
    const sign = (secret: AuthorizedEncryptedSecretForMember["secret"]) => ({
      secret,
      ownerSignature: ed25519Sign(key, riverSigned.memberSecret(secret)),
    });
    let config: ReturnType<typeof configuration> | undefined;
    versions.push(...extras.foreignVersions);
    for (const e of extras.foreignSecrets)
      if (e.secret.memberId === ownerId || memberIds.has(e.secret.memberId)) secrets.push(e);
    for (const v of state.records().versions) {
      if (foreign.has(v.version)) continue; // River's own record of that version is exported verbatim
      const record = { version: v.version, createdAt: riverTimeOfVersion(v.version) };
      versions.push({
        record,
        ownerSignature: ed25519Sign(key, riverSigned.secretVersion(record)),
      });
      const secret = deriveRoomSecret(seed, room, v.version);
      try {
        const [own] = encryptSecretForKnownMembers(secret, [room]);
        secrets.push(sign(blob(ownerId, v.version, own!, ownerId)));
        for (const hex of state.membersAt(v.version)) {
          if (!memberSet.has(hex)) continue; // River prunes the secrets of anyone no longer a member
          const r = state.memberRecord(v.version, hex)!;
          secrets.push(
            sign({
              memberId: riverMemberId(hexToBytes(hex, "member", 32)),
              secretVersion: v.version,
              ciphertext: hexToBytes(r.ciphertext, "ciphertext", 48),
              nonce: hexToBytes(r.nonce, "nonce", 12),
              senderEphemeralPublicKey: hexToBytes(r.ephemeralPublicKey, "ephemeralPublicKey", 32),
              provider: ownerId,
            }),
          );
        }
        if (v.version === current)
          config = configuration(key, secret, room, current, name ?? "", extras.configurationFloor);
      } finally {
        wipe(secret);
      }
    }
    if (!config)
      throw new KeywardError("conflict", "the current version is not derived: rotate the room first");
    versions.sort((a, b) => a.record.version - b.record.version);
    const parts = extras.passthrough;
    return {
      configuration: config,
      bans,
      members,
      secrets: { currentVersion: current, versions, encryptedSecrets: sortRiverSecrets(secrets) },
      memberInfo: parts.memberInfo,
      recentMessages: parts.recentMessages,
      directMessages: parts.directMessages,
      upgrade: parts.upgrade,
      version: parts.version,
    };
  });
}

function blob(
  memberId: bigint,
  version: number,
  e: { ciphertext: Uint8Array; nonce: Uint8Array; ephemeralPublicKey: Uint8Array },
  provider: bigint,
): AuthorizedEncryptedSecretForMember["secret"] {
  return {
    memberId,
    secretVersion: version,
    ciphertext: e.ciphertext,
    nonce: e.nonce,
    senderEphemeralPublicKey: e.ephemeralPublicKey,
    provider,
  };
}
