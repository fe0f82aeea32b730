// The ChatRoomStateV1Delta that takes River's copy of a room from one keyward state to the next.
import type {
  AuthorizedEncryptedSecretForMember,
  AuthorizedMember,
  AuthorizedUserBan,
  ChatRoomDelta,
  ChatRoomState,
} from "../interop/river/index.js";
import { fastHash, riverMemberId } from "../interop/river/index.js";

const banId = (b: AuthorizedUserBan) => fastHash(b.signature);
const memberIdOf = (m: AuthorizedMember) => riverMemberId(m.member.memberVk);
const secretKey = (s: AuthorizedEncryptedSecretForMember) => `${s.secret.secretVersion}/${s.secret.memberId}`;

/**
 * What `after` has that `before` lacks, as River's `delta(old_summary)` computes it: a newer configuration,
 * new bans (by BanId), new members (by MemberId), new secret versions, new (version, member) secrets and a
 * higher current version. Returns null when nothing changed.
 * @example const delta = riverDelta(river(before), river(after)); // then update_state(before, [Delta(delta)])
 */
export function riverDelta(before: ChatRoomState, after: ChatRoomState): ChatRoomDelta | null {
  const out: {
    -readonly [K in keyof ChatRoomDelta]: ChatRoomDelta[K];
  } = {};
  if (
    after.configuration.configuration.configurationVersion >
    before.configuration.configuration.configurationVersion
  )
    out.configuration = after.configuration;
  const oldBans = new Set(before.bans.map(banId));
  const bans = after.bans.filter((b) => !oldBans.has(banId(b)));
  if (bans.length > 0) out.bans = bans;
  const oldMembers = new Set(before.members.map(memberIdOf));
  const members = after.members.filter((m) => !oldMembers.has(memberIdOf(m)));
  if (members.length > 0) out.members = members;
  const oldVersions = new Set(before.secrets.versions.map((v) => v.record.version));
  const newVersions = after.secrets.versions.filter((v) => !oldVersions.has(v.record.version));
  const oldSecrets = new Set(before.secrets.encryptedSecrets.map(secretKey));
  const newEncryptedSecrets = after.secrets.encryptedSecrets.filter((s) => !oldSecrets.has(secretKey(s)));
  const raised = after.secrets.currentVersion > before.secrets.currentVersion;
  if (newVersions.length > 0 || newEncryptedSecrets.length > 0 || raised)
    out.secrets = {
      currentVersion: raised ? after.secrets.currentVersion : null,
      newVersions,
      newEncryptedSecrets,
    };
  return Object.keys(out).length > 0 ? out : null;
}
