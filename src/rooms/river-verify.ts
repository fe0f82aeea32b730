// Checks every signature of a River ChatRoomStateV1 the way River's contract does, plus keyward's own rules.
import type { KeyObject } from "node:crypto";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKeyObject, ed25519Verify } from "../crypto/ed25519.js";
import {
  type AuthorizedMember,
  type ChatRoomState,
  riverMemberId,
  riverSigned,
} from "../interop/river/index.js";

/** The verdict on a River state: every problem found (empty when valid), each naming the record. */
export interface RiverVerification {
  readonly valid: boolean;
  readonly problems: string[];
  /** Members by River id (hex of the verifying key), for the import. */
  readonly memberKeys: ReadonlyMap<bigint, string>;
}

/**
 * Verifies a River room state against its owner key: the owner-signed configuration, every member's invite
 * chain back to the owner (each `AuthorizedMember` signed by its inviter, River's `MembersV1::verify`), every
 * ban (signed by the owner or the banning member), every secret version and member secret (owner-signed),
 * `current_version` = the highest version; and, stricter than River's `verify` (which leaves membership to
 * `apply_delta`), no member secret for anyone who is neither the owner nor a current member, and no
 * banned user among the members.
 * @example const v = verifyRiverState(ownerVk, decodeChatRoomState(bytes)); if (!v.valid) …
 */
export function verifyRiverState(ownerVkBytes: Uint8Array, s: ChatRoomState): RiverVerification {
  const problems: string[] = [];
  // One imported key per signer (importing a raw key costs more than the verification itself).
  const ownerVk = ed25519PublicKeyObject(ownerVkBytes);
  const ownerId = riverMemberId(ownerVkBytes);
  const cfg = s.configuration;
  if (cfg.configuration.ownerMemberId !== ownerId)
    problems.push("configuration: owner_member_id is not the owner");
  if (!ed25519Verify(ownerVk, riverSigned.configuration(cfg.configuration), cfg.signature))
    problems.push("configuration: bad owner signature");

  const byId = new Map<bigint, AuthorizedMember>();
  const keys = new Map<bigint, KeyObject | null>();
  const keyOf = (m: AuthorizedMember): KeyObject | null => {
    const id = riverMemberId(m.member.memberVk);
    let k = keys.get(id);
    if (k === undefined) {
      try {
        k = ed25519PublicKeyObject(m.member.memberVk);
      } catch {
        k = null; // not a curve point: every signature by it is bad
      }
      keys.set(id, k);
    }
    return k;
  };
  for (const m of s.members) byId.set(riverMemberId(m.member.memberVk), m);
  const memberKeys = new Map<bigint, string>();
  s.members.forEach((m, i) => {
    memberKeys.set(riverMemberId(m.member.memberVk), bytesToHex(m.member.memberVk));
    const problem = inviteChainProblem(m, ownerVk, ownerId, byId, keyOf);
    if (problem) problems.push(`members[${i}]: ${problem}`);
  });

  const banned = new Set<bigint>();
  s.bans.forEach((b, i) => {
    banned.add(b.ban.bannedUser);
    const banner = byId.get(b.bannedBy);
    const vk = b.bannedBy === ownerId ? ownerVk : banner ? keyOf(banner) : undefined;
    if (vk === undefined)
      problems.push(`bans[${i}]: banner is neither the owner nor a member (unverifiable)`);
    else if (vk === null || !ed25519Verify(vk, riverSigned.ban(b.ban), b.signature))
      problems.push(`bans[${i}]: bad banner signature`);
  });
  for (const id of banned) if (byId.has(id)) problems.push("members: a banned user is still a member");

  let max = -1;
  s.secrets.versions.forEach((v, i) => {
    if (v.record.version > max) max = v.record.version;
    if (!ed25519Verify(ownerVk, riverSigned.secretVersion(v.record), v.ownerSignature))
      problems.push(`secrets.versions[${i}]: bad owner signature`);
  });
  if (s.secrets.currentVersion !== Math.max(max, 0))
    problems.push("secrets.current_version is not the highest version");
  const versions = new Set(s.secrets.versions.map((v) => v.record.version));
  s.secrets.encryptedSecrets.forEach((e, i) => {
    const at = `secrets.encrypted_secrets[${i}]`;
    if (!ed25519Verify(ownerVk, riverSigned.memberSecret(e.secret), e.ownerSignature))
      problems.push(`${at}: bad owner signature`);
    if (!versions.has(e.secret.secretVersion)) problems.push(`${at}: version has no version record`);
    if (e.secret.memberId !== ownerId && !byId.has(e.secret.memberId))
      problems.push(
        `${at}: secret for someone who is not a member${banned.has(e.secret.memberId) ? " (banned)" : ""}`,
      );
  });
  return { valid: problems.length === 0, problems, memberKeys };
}

/** Walks a member's invite chain to the owner, checking each link's signature by its inviter (cycles refused). */
function inviteChainProblem(
  m: AuthorizedMember,
  ownerVk: KeyObject,
  ownerId: bigint,
  byId: ReadonlyMap<bigint, AuthorizedMember>,
  keyOf: (m: AuthorizedMember) => KeyObject | null,
): string | undefined {
  if (riverMemberId(m.member.memberVk) === ownerId) return "the owner is not a member";
  const seen = new Set<bigint>();
  let cur = m;
  for (;;) {
    const curId = riverMemberId(cur.member.memberVk);
    if (seen.has(curId)) return "invite chain has a cycle";
    seen.add(curId);
    const inviter = cur.member.invitedBy === ownerId ? undefined : byId.get(cur.member.invitedBy);
    if (cur.member.invitedBy !== ownerId && !inviter) return "inviter is not a member";
    const inviterVk = inviter ? keyOf(inviter) : ownerVk;
    if (!inviterVk || !ed25519Verify(inviterVk, riverSigned.member(cur.member), cur.signature))
      return "bad inviter signature";
    if (!inviter) return undefined;
    cur = inviter;
  }
}
