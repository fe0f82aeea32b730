// Persists a room's River extras (the verbatim River parts keyward does not re-create) in the state store.
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import {
  type AuthorizedEncryptedSecretForMember,
  type AuthorizedUserBan,
  CborReader,
  CborWriter,
  fastHash,
  readAuthorizedEncryptedSecret,
  readAuthorizedSecretVersionRecord,
  readAuthorizedUserBan,
  riverMemberId,
  writeAuthorizedEncryptedSecret,
  writeAuthorizedSecretVersionRecord,
  writeAuthorizedUserBan,
} from "../interop/river/index.js";
import type { StateReader, StateWriter } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { ROOM_TABLES } from "./repository.js";
import { NO_RIVER_EXTRAS, type RiverExtras } from "./river-room.js";

/** Stored form: hex of each verbatim CBOR part (public records only, never a secret). */
interface StoredExtras {
  readonly passthrough: Record<keyof RiverExtras["passthrough"], string>;
  readonly configurationFloor: number;
  readonly foreignVersions: string;
  readonly foreignSecrets: string;
  readonly foreignBans: string;
}

const table = new RecordTable<StoredExtras>(ROOM_TABLES.river);

function list<T>(items: readonly T[], write: (w: CborWriter, v: T) => void): string {
  const w = new CborWriter().arrayHeader(items.length);
  for (const it of items) write(w, it);
  return bytesToHex(w.finish());
}

function unlist<T>(hex: string, read: (r: CborReader) => T): T[] {
  const r = new CborReader(hexToBytes(hex, "river extras"));
  const out = r.array(() => read(r));
  r.end();
  return out;
}

/** The River extras of a room (none for a room that never came from River). */
export async function getRiverExtras(state: StateReader, room: string): Promise<RiverExtras> {
  const s = await table.get(state, room);
  if (!s) return NO_RIVER_EXTRAS;
  const p = s.passthrough;
  return {
    passthrough: {
      memberInfo: hexToBytes(p.memberInfo),
      recentMessages: hexToBytes(p.recentMessages),
      directMessages: hexToBytes(p.directMessages),
      upgrade: hexToBytes(p.upgrade),
      version: hexToBytes(p.version),
    },
    configurationFloor: s.configurationFloor,
    foreignVersions: unlist(s.foreignVersions, readAuthorizedSecretVersionRecord),
    foreignSecrets: unlist(s.foreignSecrets, readAuthorizedEncryptedSecret),
    foreignBans: unlist(s.foreignBans, readAuthorizedUserBan),
  };
}

/** True when an imported River ban (of a user keyward knew no key for) bans `member` (verifying key hex). */
export async function isRiverBanned(state: StateReader, room: string, member: string): Promise<boolean> {
  const s = await table.get(state, room);
  if (!s) return false;
  const id = riverMemberId(hexToBytes(member, "member", 32));
  return unlist(s.foreignBans, readAuthorizedUserBan).some((b) => b.ban.bannedUser === id);
}

/** Writes a room's River extras. */
export function putRiverExtras(state: StateWriter, room: string, e: RiverExtras): Promise<void> {
  const p = e.passthrough;
  return table.put(state, room, {
    passthrough: {
      memberInfo: bytesToHex(p.memberInfo),
      recentMessages: bytesToHex(p.recentMessages),
      directMessages: bytesToHex(p.directMessages),
      upgrade: bytesToHex(p.upgrade),
      version: bytesToHex(p.version),
    },
    configurationFloor: e.configurationFloor,
    foreignVersions: list(e.foreignVersions, writeAuthorizedSecretVersionRecord),
    foreignSecrets: list(e.foreignSecrets, writeAuthorizedEncryptedSecret),
    foreignBans: list(e.foreignBans, writeAuthorizedUserBan),
  });
}

function union<T>(a: readonly T[], b: readonly T[], key: (v: T) => string): T[] {
  const m = new Map<string, T>();
  for (const v of [...a, ...b]) if (!m.has(key(v))) m.set(key(v), v);
  return [...m.values()];
}

/**
 * Combines stored extras with a new import's: the newer passthrough and configuration floor, the union of
 * foreign versions (by number), foreign secrets (by version and member) and foreign bans (by BanId).
 */
export function mergeRiverExtras(old: RiverExtras, next: RiverExtras): RiverExtras {
  return {
    passthrough: next.passthrough,
    configurationFloor: Math.max(old.configurationFloor, next.configurationFloor),
    foreignVersions: union(old.foreignVersions, next.foreignVersions, (v) => String(v.record.version)),
    foreignSecrets: union(
      old.foreignSecrets,
      next.foreignSecrets,
      (s: AuthorizedEncryptedSecretForMember) => `${s.secret.secretVersion}/${s.secret.memberId}`,
    ),
    foreignBans: union(old.foreignBans, next.foreignBans, (b: AuthorizedUserBan) =>
      String(fastHash(b.signature)),
    ),
  };
}
