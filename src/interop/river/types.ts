// River's room-state types (river-core `common/src/room_state/*`, commit 394c27dd) as plain TypeScript values.

/** River's `MemberId(FastHash(i64))`: freenet-scaffold's `fast_hash` of the 32-byte verifying key. */
export type MemberId = bigint;

/** serde's `SystemTime`: `{secs_since_epoch: u64, nanos_since_epoch: u32}`. */
export interface SystemTime {
  readonly secs: bigint;
  readonly nanos: number;
}

/** `Member { owner_member_id, invited_by, member_vk }`. */
export interface Member {
  readonly ownerMemberId: MemberId;
  readonly invitedBy: MemberId;
  readonly memberVk: Uint8Array;
}

/** `AuthorizedMember { member, signature }`: signed by the inviter over ciborium(member). */
export interface AuthorizedMember {
  readonly member: Member;
  readonly signature: Uint8Array;
}

/** `UserBan { owner_member_id, banned_at, banned_user }`. */
export interface UserBan {
  readonly ownerMemberId: MemberId;
  readonly bannedAt: SystemTime;
  readonly bannedUser: MemberId;
}

/** `AuthorizedUserBan { ban, banned_by, signature }`: signed by the banner over ciborium(ban). */
export interface AuthorizedUserBan {
  readonly ban: UserBan;
  readonly bannedBy: MemberId;
  readonly signature: Uint8Array;
}

/** `SecretVersionRecordV1 { version, cipher_spec: Aes256Gcm, created_at }`. */
export interface SecretVersionRecord {
  readonly version: number;
  readonly createdAt: SystemTime;
}

/** `AuthorizedSecretVersionRecord { record, owner_signature }`. */
export interface AuthorizedSecretVersionRecord {
  readonly record: SecretVersionRecord;
  readonly ownerSignature: Uint8Array;
}

/** `EncryptedSecretForMemberV1` (ciphertext: `Vec<u8>`, nonce `[u8; 12]`, key `[u8; 32]`). */
export interface EncryptedSecretForMember {
  readonly memberId: MemberId;
  readonly secretVersion: number;
  readonly ciphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly senderEphemeralPublicKey: Uint8Array;
  readonly provider: MemberId;
}

/** `AuthorizedEncryptedSecretForMember { secret, owner_signature }`. */
export interface AuthorizedEncryptedSecretForMember {
  readonly secret: EncryptedSecretForMember;
  readonly ownerSignature: Uint8Array;
}

/** `RoomSecretsV1 { current_version, versions, encrypted_secrets }`. */
export interface RoomSecrets {
  readonly currentVersion: number;
  readonly versions: readonly AuthorizedSecretVersionRecord[];
  readonly encryptedSecrets: readonly AuthorizedEncryptedSecretForMember[];
}

/** `SealedBytes::Public { value }` or `SealedBytes::Private { ciphertext, nonce, secret_version, declared_len_bytes }`. */
export type SealedBytes =
  | { readonly kind: "Public"; readonly value: Uint8Array }
  | {
      readonly kind: "Private";
      readonly ciphertext: Uint8Array;
      readonly nonce: Uint8Array;
      readonly secretVersion: number;
      readonly declaredLenBytes: number;
    };

/** River's `Configuration` (usize fields are 32-bit in the wasm32 contract). */
export interface Configuration {
  readonly ownerMemberId: MemberId;
  readonly configurationVersion: number;
  readonly privacyMode: "Public" | "Private";
  readonly display: { readonly name: SealedBytes; readonly description: SealedBytes | null };
  readonly maxRecentMessages: number;
  readonly maxUserBans: number;
  readonly maxMessageSize: number;
  readonly maxNicknameSize: number;
  readonly maxMembers: number;
  readonly maxRoomName: number;
  readonly maxRoomDescription: number;
  /** `Option<usize>` with `skip_serializing_if = "Option::is_none"`: absent from the map when null. */
  readonly maxDirectMessages: number | null;
}

/** `AuthorizedConfigurationV1 { configuration, signature }`: owner-signed. */
export interface AuthorizedConfiguration {
  readonly configuration: Configuration;
  readonly signature: Uint8Array;
}

/**
 * `ChatRoomStateV1`. The fields keyward does not manage (member_info, recent_messages, direct_messages,
 * upgrade, version) are kept as the verbatim CBOR of their value, so a River state passes through unchanged.
 */
export interface ChatRoomState {
  readonly configuration: AuthorizedConfiguration;
  readonly bans: readonly AuthorizedUserBan[];
  readonly members: readonly AuthorizedMember[];
  readonly secrets: RoomSecrets;
  readonly memberInfo: Uint8Array;
  readonly recentMessages: Uint8Array;
  readonly directMessages: Uint8Array;
  readonly upgrade: Uint8Array;
  readonly version: Uint8Array;
}

/** `SecretsDelta { current_version: Option<u32>, new_versions, new_encrypted_secrets }`. */
export interface SecretsDelta {
  readonly currentVersion: number | null;
  readonly newVersions: readonly AuthorizedSecretVersionRecord[];
  readonly newEncryptedSecrets: readonly AuthorizedEncryptedSecretForMember[];
}

/** The parts of `ChatRoomStateV1Delta` keyward emits (every other field is `None`). */
export interface ChatRoomDelta {
  readonly configuration?: AuthorizedConfiguration;
  readonly bans?: readonly AuthorizedUserBan[];
  /** `MembersDelta { added }`. */
  readonly members?: readonly AuthorizedMember[];
  readonly secrets?: SecretsDelta;
}
