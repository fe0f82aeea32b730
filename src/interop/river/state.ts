// ciborium-exact CBOR of River's ChatRoomStateV1, its configuration, parameters and the deltas keyward emits.
import { assertBytes } from "../../crypto/assert.js";
import { CborReader, CborWriter } from "./cbor.js";
import {
  readAuthorizedEncryptedSecret,
  readAuthorizedMember,
  readAuthorizedSecretVersionRecord,
  readAuthorizedUserBan,
  readSignature,
  writeAuthorizedEncryptedSecret,
  writeAuthorizedMember,
  writeAuthorizedSecretVersionRecord,
  writeAuthorizedUserBan,
  writeSignature,
} from "./records.js";
import type {
  AuthorizedConfiguration,
  ChatRoomDelta,
  ChatRoomState,
  Configuration,
  RoomSecrets,
  SealedBytes,
  SecretsDelta,
} from "./types.js";

function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}

const U32 = 0xffff_ffff;

/** Default CBOR of the fields keyward does not manage, as `ChatRoomStateV1::default()` serializes them. */
export const RIVER_DEFAULT_PARTS = {
  memberInfo: cbor((w) => w.mapHeader(1).text("member_info").arrayHeader(0)),
  recentMessages: cbor((w) => w.mapHeader(1).text("messages").arrayHeader(0)),
  directMessages: cbor((w) => w.mapHeader(2).text("messages").arrayHeader(0).text("purges").arrayHeader(0)),
  upgrade: cbor((w) => w.null()),
  version: cbor((w) => w.uint(0)),
} as const;

function cbor(fn: (w: CborWriter) => void): Uint8Array {
  const w = new CborWriter();
  fn(w);
  return w.finish();
}

function writeSealed(w: CborWriter, s: SealedBytes): void {
  // Externally tagged enum struct variant: {"Variant": {fields}}; Vec<u8>/[u8;12] as integer arrays.
  w.mapHeader(1).text(s.kind);
  if (s.kind === "Public") w.mapHeader(1).text("value").byteArray(s.value);
  else
    w.mapHeader(4)
      .text("ciphertext")
      .byteArray(s.ciphertext)
      .text("nonce")
      .byteArray(s.nonce)
      .text("secret_version")
      .uint(s.secretVersion)
      .text("declared_len_bytes")
      .uint(s.declaredLenBytes);
}

/** `Configuration` (the bytes the owner signs in `AuthorizedConfigurationV1`). */
export function writeConfiguration(w: CborWriter, c: Configuration): void {
  w.mapHeader(c.maxDirectMessages === null ? 11 : 12);
  w.text("owner_member_id").int(c.ownerMemberId).text("configuration_version").uint(c.configurationVersion);
  w.text("privacy_mode").text(c.privacyMode).text("display").mapHeader(2).text("name");
  writeSealed(w, c.display.name);
  w.text("description");
  if (c.display.description === null) w.null();
  else writeSealed(w, c.display.description);
  w.text("max_recent_messages").uint(c.maxRecentMessages).text("max_user_bans").uint(c.maxUserBans);
  w.text("max_message_size").uint(c.maxMessageSize).text("max_nickname_size").uint(c.maxNicknameSize);
  w.text("max_members").uint(c.maxMembers).text("max_room_name").uint(c.maxRoomName);
  w.text("max_room_description").uint(c.maxRoomDescription);
  if (c.maxDirectMessages !== null) w.text("max_direct_messages").uint(c.maxDirectMessages);
}

/** `AuthorizedConfigurationV1`. */
export function writeAuthorizedConfiguration(w: CborWriter, a: AuthorizedConfiguration): void {
  w.mapHeader(2).text("configuration");
  writeConfiguration(w, a.configuration);
  w.text("signature");
  writeSignature(w, a.signature);
}

function writeList<T>(w: CborWriter, items: readonly T[], write: (w: CborWriter, v: T) => void): void {
  w.arrayHeader(items.length);
  for (const it of items) write(w, it);
}

function writeSecrets(w: CborWriter, s: RoomSecrets): void {
  w.mapHeader(3).text("current_version").uint(s.currentVersion).text("versions");
  writeList(w, s.versions, writeAuthorizedSecretVersionRecord);
  w.text("encrypted_secrets");
  writeList(w, s.encryptedSecrets, writeAuthorizedEncryptedSecret);
}

/**
 * ciborium bytes of a `ChatRoomStateV1` (what River's contract stores and `update_state` returns).
 * @example writeFileSync("room.state", encodeChatRoomState(state));
 */
export function encodeChatRoomState(s: ChatRoomState): Uint8Array {
  const w = new CborWriter();
  w.mapHeader(9).text("configuration");
  writeAuthorizedConfiguration(w, s.configuration);
  w.text("bans"); // BansV1(Vec<_>): a newtype struct is its inner value
  writeList(w, s.bans, writeAuthorizedUserBan);
  w.text("members").mapHeader(1).text("members");
  writeList(w, s.members, writeAuthorizedMember);
  w.text("member_info").raw(s.memberInfo).text("secrets");
  writeSecrets(w, s.secrets);
  w.text("recent_messages").raw(s.recentMessages).text("direct_messages").raw(s.directMessages);
  w.text("upgrade").raw(s.upgrade).text("version").raw(s.version);
  return w.finish();
}

/** ciborium bytes of `ChatRoomParametersV1 { owner }`. */
export function encodeChatRoomParameters(owner: Uint8Array): Uint8Array {
  assertBytes(owner, 32, "owner");
  return cbor((w) => w.mapHeader(1).text("owner").bytes(owner));
}

function writeSecretsDelta(w: CborWriter, d: SecretsDelta): void {
  w.mapHeader(3).text("current_version");
  if (d.currentVersion === null) w.null();
  else w.uint(d.currentVersion);
  w.text("new_versions");
  writeList(w, d.newVersions, writeAuthorizedSecretVersionRecord);
  w.text("new_encrypted_secrets");
  writeList(w, d.newEncryptedSecrets, writeAuthorizedEncryptedSecret);
}

/** ciborium bytes of a `ChatRoomStateV1Delta` (composable macro: every field an `Option`, `None` = null). */
export function encodeChatRoomDelta(d: ChatRoomDelta): Uint8Array {
  const w = new CborWriter();
  w.mapHeader(9).text("configuration");
  if (d.configuration) writeAuthorizedConfiguration(w, d.configuration);
  else w.null();
  w.text("bans");
  if (d.bans) writeList(w, d.bans, writeAuthorizedUserBan);
  else w.null();
  w.text("members");
  if (d.members) writeList(w.mapHeader(1).text("added"), d.members, writeAuthorizedMember);
  else w.null();
  w.text("member_info").null().text("secrets");
  if (d.secrets) writeSecretsDelta(w, d.secrets);
  else w.null();
  for (const k of ["recent_messages", "direct_messages", "upgrade", "version"]) w.text(k).null();
  return w.finish();
}

// --- readers ---

function readSealed(r: CborReader): SealedBytes {
  let out: SealedBytes | undefined;
  r.struct(
    {
      Public: () => {
        let value = zeros(0);
        r.struct({ value: () => (value = r.byteArray()) }, ["value"]);
        out = { kind: "Public", value };
      },
      Private: () => {
        const p = { ciphertext: zeros(0), nonce: zeros(12), secretVersion: 0, declaredLenBytes: 0 };
        r.struct(
          {
            ciphertext: () => (p.ciphertext = r.byteArray()),
            nonce: () => (p.nonce = r.byteArray(12)),
            secret_version: () => (p.secretVersion = r.uintNumber(U32)),
            declared_len_bytes: () => (p.declaredLenBytes = r.uintNumber(U32)),
          },
          ["ciphertext", "nonce", "secret_version", "declared_len_bytes"],
        );
        out = { kind: "Private", ...p };
      },
    },
    [],
  );
  if (!out) r.fail("expected one SealedBytes variant");
  return out;
}

function readConfiguration(r: CborReader): Configuration {
  const c: { -readonly [K in keyof Configuration]: Configuration[K] } = {
    ownerMemberId: 0n,
    configurationVersion: 0,
    privacyMode: "Public",
    display: { name: { kind: "Public", value: zeros(0) }, description: null },
    maxRecentMessages: 0,
    maxUserBans: 0,
    maxMessageSize: 0,
    maxNicknameSize: 0,
    maxMembers: 0,
    maxRoomName: 0,
    maxRoomDescription: 0,
    maxDirectMessages: null,
  };
  const usize = (k: keyof Configuration) => () => ((c as Record<string, unknown>)[k] = r.uintNumber(U32));
  const fields = {
    owner_member_id: () => (c.ownerMemberId = r.int64()),
    configuration_version: () => (c.configurationVersion = r.uintNumber(U32)),
    privacy_mode: () => {
      const m = r.text();
      if (m !== "Public" && m !== "Private") r.fail('expected "Public" or "Private"');
      c.privacyMode = m;
    },
    display: () => {
      let name: SealedBytes | undefined;
      let description: SealedBytes | null = null;
      r.struct(
        {
          name: () => (name = r.at(".name", () => readSealed(r))),
          description: () => (description = r.takeNull() ? null : readSealed(r)),
        },
        ["name", "description"],
      );
      c.display = { name: name!, description };
    },
    max_recent_messages: usize("maxRecentMessages"),
    max_user_bans: usize("maxUserBans"),
    max_message_size: usize("maxMessageSize"),
    max_nickname_size: usize("maxNicknameSize"),
    max_members: usize("maxMembers"),
    max_room_name: usize("maxRoomName"),
    max_room_description: usize("maxRoomDescription"),
    max_direct_messages: () => (c.maxDirectMessages = r.takeNull() ? null : r.uintNumber(U32)),
  };
  r.struct(
    fields,
    Object.keys(fields).filter((k) => k !== "max_direct_messages"),
  );
  return c;
}

function readAuthorizedConfiguration(r: CborReader): AuthorizedConfiguration {
  let configuration: Configuration | undefined;
  let signature = zeros(64);
  r.struct(
    {
      configuration: () => (configuration = readConfiguration(r)),
      signature: () => (signature = readSignature(r)),
    },
    ["configuration", "signature"],
  );
  return { configuration: configuration!, signature };
}

function readSecrets(r: CborReader): RoomSecrets {
  const s: { -readonly [K in keyof RoomSecrets]: RoomSecrets[K] } = {
    currentVersion: 0,
    versions: [],
    encryptedSecrets: [],
  };
  r.struct(
    {
      current_version: () => (s.currentVersion = r.uintNumber(U32)),
      versions: () => (s.versions = r.array(() => readAuthorizedSecretVersionRecord(r))),
      encrypted_secrets: () => (s.encryptedSecrets = r.array(() => readAuthorizedEncryptedSecret(r))),
    },
    ["current_version", "versions", "encrypted_secrets"],
  );
  return s;
}

/**
 * Decodes ciborium bytes of a `ChatRoomStateV1` (River's contract state). Unmanaged fields are kept
 * verbatim; `direct_messages` and `version` (`#[serde(default)]`) may be absent, as in older states.
 * @throws {RangeError} naming the path of the first malformed field (e.g. `state.members.members[1].signature`).
 */
export function decodeChatRoomState(bytes: Uint8Array): ChatRoomState {
  assertBytes(bytes, undefined, "state");
  const r = new CborReader(bytes);
  const s: { -readonly [K in keyof ChatRoomState]?: ChatRoomState[K] } = {
    directMessages: RIVER_DEFAULT_PARTS.directMessages,
    version: RIVER_DEFAULT_PARTS.version,
  };
  r.at("state", () =>
    r.struct(
      {
        configuration: () => (s.configuration = readAuthorizedConfiguration(r)),
        bans: () => (s.bans = r.array(() => readAuthorizedUserBan(r))),
        members: () =>
          r.struct({ members: () => (s.members = r.array(() => readAuthorizedMember(r))) }, ["members"]),
        member_info: () => (s.memberInfo = r.skip()),
        secrets: () => (s.secrets = readSecrets(r)),
        recent_messages: () => (s.recentMessages = r.skip()),
        direct_messages: () => (s.directMessages = r.skip()),
        upgrade: () => (s.upgrade = r.skip()),
        version: () => (s.version = r.skip()),
      },
      ["configuration", "bans", "members", "member_info", "secrets", "recent_messages", "upgrade"],
    ),
  );
  r.end();
  return s as ChatRoomState;
}

/** Decodes `ChatRoomParametersV1` to the owner's 32-byte verifying key. @throws {RangeError} when malformed. */
export function decodeChatRoomParameters(bytes: Uint8Array): Uint8Array {
  assertBytes(bytes, undefined, "parameters");
  const r = new CborReader(bytes);
  let owner = zeros(32);
  r.at("parameters", () => r.struct({ owner: () => (owner = r.byteArray(32)) }, ["owner"]));
  r.end();
  return owner;
}
