// Room records: version, member (river-v1 secret per member) and removal records, canonical and owner-signed.
import type { KeyObject } from "node:crypto";
import { assertBytes, assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { ed25519Sign, ed25519Verify } from "../crypto/ed25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { RIVER_V1_SUITE } from "../kdf/river-ecies.js";

/** Domain-separation tags of the signed bytes (docs/wire-format.md, "Rooms"). */
export const ROOM_RECORD_TAGS = {
  version: "keyward v1 room-version",
  member: "keyward v1 room-member",
  removal: "keyward v1 room-removal",
} as const;

/** Highest room version (River's u32 SecretVersion). */
export const MAX_ROOM_VERSION = 0xffffffff;

/** "Version `version` of room `room` exists, using suite river-v1." Hex fields are lower-case. */
export interface VersionRecord {
  readonly version: number;
  readonly suite: string;
  readonly signature: string;
}

/** The version secret encrypted for one member with river-v1. */
export interface MemberRecord {
  readonly version: number;
  readonly member: string;
  readonly suite: string;
  readonly ciphertext: string;
  readonly nonce: string;
  readonly ephemeralPublicKey: string;
  readonly signature: string;
}

/** "Member `member` was removed by the rotation to `version`" (permanent: a ban). */
export interface RemovalRecord {
  readonly member: string;
  readonly version: number;
  readonly signature: string;
}

/** Fields of a member record before signing. */
export type UnsignedMemberRecord = Omit<MemberRecord, "signature">;

/** Canonical bytes the owner signs for a version record. */
export function versionSigningBytes(room: Uint8Array, r: Omit<VersionRecord, "signature">): Uint8Array {
  return canonicalEncode(ROOM_RECORD_TAGS.version, { room, version: r.version, suite: r.suite });
}

/** Canonical bytes the owner signs for a member record. */
export function memberSigningBytes(room: Uint8Array, r: UnsignedMemberRecord): Uint8Array {
  return canonicalEncode(ROOM_RECORD_TAGS.member, {
    room,
    version: r.version,
    member: hexToBytes(r.member, "member", 32),
    suite: r.suite,
    ciphertext: hexToBytes(r.ciphertext, "ciphertext", 48),
    nonce: hexToBytes(r.nonce, "nonce", 12),
    ephemeralPublicKey: hexToBytes(r.ephemeralPublicKey, "ephemeralPublicKey", 32),
  });
}

/** Canonical bytes the owner signs for a removal record. */
export function removalSigningBytes(room: Uint8Array, r: Omit<RemovalRecord, "signature">): Uint8Array {
  return canonicalEncode(ROOM_RECORD_TAGS.removal, {
    room,
    member: hexToBytes(r.member, "member", 32),
    version: r.version,
  });
}

/** Signs a version record with the owner's key (Ed25519 is deterministic: same record → same bytes). */
export function signVersion(room: Uint8Array, owner: KeyObject, version: number): VersionRecord {
  assertInteger(version, 0, MAX_ROOM_VERSION, "version");
  const r = { version, suite: RIVER_V1_SUITE };
  return { ...r, signature: bytesToHex(ed25519Sign(owner, versionSigningBytes(room, r))) };
}

/** Signs a member record. */
export function signMember(room: Uint8Array, owner: KeyObject, r: UnsignedMemberRecord): MemberRecord {
  return {
    version: r.version,
    member: r.member,
    suite: r.suite,
    ciphertext: r.ciphertext,
    nonce: r.nonce,
    ephemeralPublicKey: r.ephemeralPublicKey,
    signature: bytesToHex(ed25519Sign(owner, memberSigningBytes(room, r))),
  };
}

/** Signs a removal record. */
export function signRemoval(
  room: Uint8Array,
  owner: KeyObject,
  member: string,
  version: number,
): RemovalRecord {
  const r = { member, version };
  return { ...r, signature: bytesToHex(ed25519Sign(owner, removalSigningBytes(room, r))) };
}

function sig(hex: string): Uint8Array {
  return hexToBytes(hex, "signature", 64);
}

/** True when the version record carries the owner's valid signature (false, never a throw, when not). */
export function verifyVersion(room: Uint8Array, owner: Uint8Array | KeyObject, r: VersionRecord): boolean {
  return ed25519Verify(owner, versionSigningBytes(room, r), sig(r.signature));
}

/** True when the member record carries the owner's valid signature. */
export function verifyMember(room: Uint8Array, owner: Uint8Array | KeyObject, r: MemberRecord): boolean {
  return ed25519Verify(owner, memberSigningBytes(room, r), sig(r.signature));
}

/** True when the removal record carries the owner's valid signature. */
export function verifyRemoval(room: Uint8Array, owner: Uint8Array | KeyObject, r: RemovalRecord): boolean {
  return ed25519Verify(owner, removalSigningBytes(room, r), sig(r.signature));
}

// --- strict parsing of records arriving from files or the state store ---

function field(obj: Record<string, unknown>, key: string, path: string): unknown {
  if (!Object.hasOwn(obj, key)) throw new InputRangeError(`${path}.${key} is missing`);
  return obj[key];
}

function hexField(obj: Record<string, unknown>, key: string, bytes: number, path: string): string {
  const v = field(obj, key, path);
  if (typeof v !== "string" || !/^[0-9a-f]*$/.test(v) || v.length !== bytes * 2)
    throw new InputRangeError(`${path}.${key} must be ${bytes} bytes of lower-case hex`);
  return v;
}

function versionField(obj: Record<string, unknown>, path: string): number {
  const v = field(obj, "version", path);
  assertInteger(v, 0, MAX_ROOM_VERSION, `${path}.version`);
  return v;
}

function suiteField(obj: Record<string, unknown>, path: string): string {
  const v = field(obj, "suite", path);
  if (v !== RIVER_V1_SUITE) throw new InputRangeError(`${path}.suite must be "${RIVER_V1_SUITE}"`);
  return v;
}

function objectAt(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InputTypeError(`${path} must be an object`);
  for (const k of Object.keys(value))
    if (!keys.includes(k)) throw new InputRangeError(`${path} has an unknown field`);
  return value as Record<string, unknown>;
}

/** Parses a version record (exact fields, lower-case hex). @throws {TypeError|RangeError} naming the path. */
export function parseVersionRecord(value: unknown, path = "version"): VersionRecord {
  const o = objectAt(value, path, ["version", "suite", "signature"]);
  return {
    version: versionField(o, path),
    suite: suiteField(o, path),
    signature: hexField(o, "signature", 64, path),
  };
}

/** Parses a member record. @throws {TypeError|RangeError} naming the path. */
export function parseMemberRecord(value: unknown, path = "member"): MemberRecord {
  const o = objectAt(value, path, [
    "version",
    "member",
    "suite",
    "ciphertext",
    "nonce",
    "ephemeralPublicKey",
    "signature",
  ]);
  return {
    version: versionField(o, path),
    member: hexField(o, "member", 32, path),
    suite: suiteField(o, path),
    ciphertext: hexField(o, "ciphertext", 48, path),
    nonce: hexField(o, "nonce", 12, path),
    ephemeralPublicKey: hexField(o, "ephemeralPublicKey", 32, path),
    signature: hexField(o, "signature", 64, path),
  };
}

/** Parses a removal record. @throws {TypeError|RangeError} naming the path. */
export function parseRemovalRecord(value: unknown, path = "removal"): RemovalRecord {
  const o = objectAt(value, path, ["member", "version", "signature"]);
  return {
    member: hexField(o, "member", 32, path),
    version: versionField(o, path),
    signature: hexField(o, "signature", 64, path),
  };
}

/** Canonical JSON text of a record: fixed field order, so equal records have equal bytes. */
export function recordJson(r: VersionRecord | MemberRecord | RemovalRecord): string {
  if ("ciphertext" in r) return JSON.stringify(parseMemberRecord(r));
  if ("suite" in r) return JSON.stringify(parseVersionRecord(r));
  return JSON.stringify(parseRemovalRecord(r));
}

/** Asserts a 32-byte room id (the owner's Ed25519 verifying key). */
export function assertRoomId(room: Uint8Array): void {
  assertBytes(room, 32, "room");
}
