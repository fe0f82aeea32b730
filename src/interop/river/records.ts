// ciborium-exact CBOR of River's signed records (serde derive: structs as maps in field order, enums by name).
import { type CborReader, CborWriter } from "./cbor.js";
import type {
  AuthorizedEncryptedSecretForMember,
  AuthorizedMember,
  AuthorizedSecretVersionRecord,
  AuthorizedUserBan,
  EncryptedSecretForMember,
  Member,
  MemberId,
  SecretVersionRecord,
  SystemTime,
  UserBan,
} from "./types.js";

function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}

const U32 = 0xffff_ffff;

/**
 * freenet-scaffold's `fast_hash`: `h = h * 31 + byte` over the bytes, wrapping in i64 (the `FastHash` behind
 * River's `MemberId`, `BanId`, configuration ids).
 * @example riverMemberId(ownerVk) // the owner's MemberId
 */
export function fastHash(bytes: Uint8Array): bigint {
  let h = 0n;
  for (const b of bytes) h = BigInt.asIntN(64, h * 31n + BigInt(b));
  return h;
}

/** River's `MemberId::from(&VerifyingKey)`: `fast_hash` of the 32 key bytes. */
export function riverMemberId(verifyingKey: Uint8Array): MemberId {
  return fastHash(verifyingKey);
}

// --- writers: one per serde struct, fields in declaration order ---

/** `SystemTime` as serde writes it. */
export function writeSystemTime(w: CborWriter, t: SystemTime): void {
  w.mapHeader(2).text("secs_since_epoch").uint(t.secs).text("nanos_since_epoch").uint(t.nanos);
}

/** Ed25519 `Signature`: serialized by the ed25519 crate as a 64-tuple of u8. */
export function writeSignature(w: CborWriter, sig: Uint8Array): void {
  w.byteArray(sig);
}

/** `Member`. */
export function writeMember(w: CborWriter, m: Member): void {
  w.mapHeader(3).text("owner_member_id").int(m.ownerMemberId).text("invited_by").int(m.invitedBy);
  w.text("member_vk").bytes(m.memberVk); // ed25519-dalek VerifyingKey: serialize_bytes
}

/** `AuthorizedMember`. */
export function writeAuthorizedMember(w: CborWriter, a: AuthorizedMember): void {
  w.mapHeader(2).text("member");
  writeMember(w, a.member);
  w.text("signature");
  writeSignature(w, a.signature);
}

/** `UserBan`. */
export function writeUserBan(w: CborWriter, b: UserBan): void {
  w.mapHeader(3).text("owner_member_id").int(b.ownerMemberId).text("banned_at");
  writeSystemTime(w, b.bannedAt);
  w.text("banned_user").int(b.bannedUser);
}

/** `AuthorizedUserBan`. */
export function writeAuthorizedUserBan(w: CborWriter, a: AuthorizedUserBan): void {
  w.mapHeader(3).text("ban");
  writeUserBan(w, a.ban);
  w.text("banned_by").int(a.bannedBy).text("signature");
  writeSignature(w, a.signature);
}

/** `SecretVersionRecordV1` (`cipher_spec` is the unit variant `Aes256Gcm`, written as its name). */
export function writeSecretVersionRecord(w: CborWriter, r: SecretVersionRecord): void {
  w.mapHeader(3).text("version").uint(r.version).text("cipher_spec").text("Aes256Gcm").text("created_at");
  writeSystemTime(w, r.createdAt);
}

/** `AuthorizedSecretVersionRecord`. */
export function writeAuthorizedSecretVersionRecord(w: CborWriter, a: AuthorizedSecretVersionRecord): void {
  w.mapHeader(2).text("record");
  writeSecretVersionRecord(w, a.record);
  w.text("owner_signature");
  writeSignature(w, a.ownerSignature);
}

/** `EncryptedSecretForMemberV1`. */
export function writeEncryptedSecret(w: CborWriter, s: EncryptedSecretForMember): void {
  w.mapHeader(6).text("member_id").int(s.memberId).text("secret_version").uint(s.secretVersion);
  w.text("ciphertext").byteArray(s.ciphertext).text("nonce").byteArray(s.nonce);
  w.text("sender_ephemeral_public_key").byteArray(s.senderEphemeralPublicKey);
  w.text("provider").int(s.provider);
}

/** `AuthorizedEncryptedSecretForMember`. */
export function writeAuthorizedEncryptedSecret(w: CborWriter, a: AuthorizedEncryptedSecretForMember): void {
  w.mapHeader(2).text("secret");
  writeEncryptedSecret(w, a.secret);
  w.text("owner_signature");
  writeSignature(w, a.ownerSignature);
}

/** The bytes River signs for a record (`sign_struct`: `ciborium::ser::into_writer(&message)`). */
export function signedBytes<T>(write: (w: CborWriter, v: T) => void, value: T): Uint8Array {
  const w = new CborWriter();
  write(w, value);
  return w.finish();
}

// --- readers ---

/** `SystemTime`. */
export function readSystemTime(r: CborReader): SystemTime {
  let secs = 0n;
  let nanos = 0;
  r.struct(
    {
      secs_since_epoch: () => (secs = r.uint()),
      nanos_since_epoch: () => (nanos = r.uintNumber(999_999_999)),
    },
    ["secs_since_epoch", "nanos_since_epoch"],
  );
  return { secs, nanos };
}

/** A 64-byte signature. */
export function readSignature(r: CborReader): Uint8Array {
  return r.byteArray(64);
}

/** `Member`. */
export function readMember(r: CborReader): Member {
  const m = { ownerMemberId: 0n, invitedBy: 0n, memberVk: zeros(32) };
  r.struct(
    {
      owner_member_id: () => (m.ownerMemberId = r.int64()),
      invited_by: () => (m.invitedBy = r.int64()),
      member_vk: () => (m.memberVk = r.byteArray(32)),
    },
    ["owner_member_id", "invited_by", "member_vk"],
  );
  return m;
}

/** `AuthorizedMember`. */
export function readAuthorizedMember(r: CborReader): AuthorizedMember {
  let member: Member | undefined;
  let signature = zeros(64);
  r.struct({ member: () => (member = readMember(r)), signature: () => (signature = readSignature(r)) }, [
    "member",
    "signature",
  ]);
  return { member: member!, signature };
}

/** `UserBan`. */
export function readUserBan(r: CborReader): UserBan {
  const b = { ownerMemberId: 0n, bannedAt: { secs: 0n, nanos: 0 } as SystemTime, bannedUser: 0n };
  r.struct(
    {
      owner_member_id: () => (b.ownerMemberId = r.int64()),
      banned_at: () => (b.bannedAt = readSystemTime(r)),
      banned_user: () => (b.bannedUser = r.int64()),
    },
    ["owner_member_id", "banned_at", "banned_user"],
  );
  return b;
}

/** `AuthorizedUserBan`. */
export function readAuthorizedUserBan(r: CborReader): AuthorizedUserBan {
  let ban: UserBan | undefined;
  let bannedBy = 0n;
  let signature = zeros(64);
  r.struct(
    {
      ban: () => (ban = readUserBan(r)),
      banned_by: () => (bannedBy = r.int64()),
      signature: () => (signature = readSignature(r)),
    },
    ["ban", "banned_by", "signature"],
  );
  return { ban: ban!, bannedBy, signature };
}

/** `SecretVersionRecordV1`. */
export function readSecretVersionRecord(r: CborReader): SecretVersionRecord {
  let version = 0;
  let createdAt: SystemTime = { secs: 0n, nanos: 0 };
  r.struct(
    {
      version: () => (version = r.uintNumber(U32)),
      cipher_spec: () => {
        if (r.text() !== "Aes256Gcm") r.fail('unknown cipher spec (River knows only "Aes256Gcm")');
      },
      created_at: () => (createdAt = readSystemTime(r)),
    },
    ["version", "cipher_spec", "created_at"],
  );
  return { version, createdAt };
}

/** `AuthorizedSecretVersionRecord`. */
export function readAuthorizedSecretVersionRecord(r: CborReader): AuthorizedSecretVersionRecord {
  let record: SecretVersionRecord | undefined;
  let ownerSignature = zeros(64);
  r.struct(
    {
      record: () => (record = readSecretVersionRecord(r)),
      owner_signature: () => (ownerSignature = readSignature(r)),
    },
    ["record", "owner_signature"],
  );
  return { record: record!, ownerSignature };
}

/** `EncryptedSecretForMemberV1`. */
export function readEncryptedSecret(r: CborReader): EncryptedSecretForMember {
  const s = {
    memberId: 0n,
    secretVersion: 0,
    ciphertext: zeros(0),
    nonce: zeros(12),
    senderEphemeralPublicKey: zeros(32),
    provider: 0n,
  };
  r.struct(
    {
      member_id: () => (s.memberId = r.int64()),
      secret_version: () => (s.secretVersion = r.uintNumber(U32)),
      ciphertext: () => (s.ciphertext = r.byteArray()),
      nonce: () => (s.nonce = r.byteArray(12)),
      sender_ephemeral_public_key: () => (s.senderEphemeralPublicKey = r.byteArray(32)),
      provider: () => (s.provider = r.int64()),
    },
    ["member_id", "secret_version", "ciphertext", "nonce", "sender_ephemeral_public_key", "provider"],
  );
  return s;
}

/** `AuthorizedEncryptedSecretForMember`. */
export function readAuthorizedEncryptedSecret(r: CborReader): AuthorizedEncryptedSecretForMember {
  let secret: EncryptedSecretForMember | undefined;
  let ownerSignature = zeros(64);
  r.struct(
    {
      secret: () => (secret = readEncryptedSecret(r)),
      owner_signature: () => (ownerSignature = readSignature(r)),
    },
    ["secret", "owner_signature"],
  );
  return { secret: secret!, ownerSignature };
}
