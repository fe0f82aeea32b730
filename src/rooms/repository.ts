// Persistence of rooms in the state store (public records only) and of raw owner seeds in the SecretStore.
import { hexToBytes } from "../crypto/bytes.js";
import type { Secret } from "../crypto/secret.js";
import type { SecretWriter, StateReader, StateWriter } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { parseMemberRecord, parseRemovalRecord, parseVersionRecord, recordJson } from "./records.js";
import { type RoomRecordSet, RoomState } from "./state.js";

/** Where a room's owner key lives (public reference; never the key). */
export type RoomOwnerRef =
  | { readonly kind: "seed" }
  | {
      readonly kind: "custody";
      readonly partition: string;
      readonly identity: string;
      readonly label?: string;
    }
  | { readonly kind: "none" };

/** A room's local metadata. */
export interface RoomMeta {
  readonly room: string;
  readonly name: string | null;
  readonly owner: RoomOwnerRef;
}

/** State tables owned by the rooms domain. */
export const ROOM_TABLES = {
  record: "rooms.record",
  meta: "rooms.meta",
  name: "rooms.name",
  op: "rooms.op",
  /** River extras of a room imported from River (river-extras.ts), one row per room id. */
  river: "rooms.river",
} as const;
/** SecretStore namespace of raw owner seeds (`--owner-seed-file`), one per room id. */
export const ROOM_SEED_NAMESPACE = "rooms.owner-seed";

const meta = new RecordTable<RoomMeta>(ROOM_TABLES.meta);
const names = new RecordTable<{ room: string }>(ROOM_TABLES.name);
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

function pad(v: number): string {
  return String(v).padStart(10, "0");
}

/** Reads a room's metadata. */
export function getRoomMeta(state: StateReader, room: string): Promise<RoomMeta | undefined> {
  return meta.get(state, room);
}

/** Writes a room's metadata (and its name index). */
export async function putRoomMeta(state: StateWriter, m: RoomMeta): Promise<void> {
  await meta.put(state, m.room, m);
  if (m.name !== null) await names.put(state, m.name, { room: m.room });
}

/** The room id registered under a local name. */
export async function roomByName(state: StateReader, name: string): Promise<string | undefined> {
  return (await names.get(state, name))?.room;
}

/** Every room id with local metadata, in byte order. */
export async function listRooms(state: StateReader): Promise<RoomMeta[]> {
  const out: RoomMeta[] = [];
  for await (const e of meta.scan(state)) out.push(e.value);
  return out;
}

/**
 * The sequence number of the last write to a room (0 before the first). Read before loading the records an
 * operation builds on, and claimed with `claimRoomOp` in the transaction that saves its result.
 */
export async function roomOpSeq(state: StateReader, room: string): Promise<number> {
  for await (const e of state.scan(ROOM_TABLES.op, { prefix: `${room}/`, reverse: true, limit: 1 }))
    return Number(e.key.slice(room.length + 1));
  return 0;
}

/**
 * Claims write `seen + 1` of a room inside the transaction that saves it: false when another write (on any
 * instance sharing the database) came first, so the caller must reload and redo its operation. The
 * create-only insert makes the claim atomic across instances; the previous claim row is then dropped.
 */
export async function claimRoomOp(state: StateWriter, room: string, seen: number): Promise<boolean> {
  if ((await roomOpSeq(state, room)) !== seen) return false;
  const at = enc.encode(JSON.stringify({ at: Date.now() }));
  if (!(await state.insert(ROOM_TABLES.op, `${room}/${pad(seen + 1)}`, at))) return false;
  if (seen > 0) await state.delete(ROOM_TABLES.op, `${room}/${pad(seen)}`);
  return true;
}

async function scanRecords<T>(
  state: StateReader,
  prefix: string,
  parse: (value: unknown) => T,
): Promise<T[]> {
  const out: T[] = [];
  for await (const e of state.scan(ROOM_TABLES.record, { prefix }))
    out.push(parse(JSON.parse(dec.decode(e.value))));
  return out;
}

/**
 * Loads what a write needs (every version record, every removal, and the member records of one version:
 * the current one unless `version` is given) into a RoomState. Other versions' member records are never
 * read, so a write or a decrypt costs the same however many versions a room has rotated through. Reads
 * that need everything (export, import) use `loadRoomState`.
 */
export async function loadRoomWorkingState(
  state: StateReader,
  room: string,
  version?: number,
): Promise<RoomState> {
  const rs = new RoomState(hexToBytes(room, "room", 32));
  const versions = await scanRecords(state, `${room}/v/`, parseVersionRecord);
  const removals = await scanRecords(state, `${room}/r/`, parseRemovalRecord);
  let current = -1;
  for (const v of versions) if (v.version > current) current = v.version;
  const at = version ?? current;
  const members = at < 0 ? [] : await scanRecords(state, `${room}/m/${pad(at)}/`, parseMemberRecord);
  rs.merge({ versions, members, removals });
  return rs;
}

/** Loads every record of a room into a RoomState (empty when the room is unknown). */
export async function loadRoomState(state: StateReader, room: string): Promise<RoomState> {
  const rs = new RoomState(hexToBytes(room, "room", 32));
  const versions = [];
  const members = [];
  const removals = [];
  for await (const e of state.scan(ROOM_TABLES.record, { prefix: `${room}/` })) {
    const kind = e.key.charAt(room.length + 1);
    const value: unknown = JSON.parse(dec.decode(e.value));
    if (kind === "v") versions.push(parseVersionRecord(value));
    else if (kind === "m") members.push(parseMemberRecord(value));
    else if (kind === "r") removals.push(parseRemovalRecord(value));
  }
  rs.merge({ versions, members, removals });
  return rs;
}

/** Persists the records of `state` that `change` touched (after `state.merge(change)`: kept winners only). */
export async function saveRecords(
  store: StateWriter,
  state: RoomState,
  change: RoomRecordSet,
): Promise<void> {
  const room = state.roomHex;
  for (const r of change.versions) {
    const kept = state.versions.get(r.version);
    if (kept)
      await store.put(ROOM_TABLES.record, `${room}/v/${pad(r.version)}`, enc.encode(recordJson(kept)));
  }
  for (const r of change.members) {
    const kept = state.members.get(`${pad(r.version)}/${r.member}`);
    if (kept)
      await store.put(
        ROOM_TABLES.record,
        `${room}/m/${pad(r.version)}/${r.member}`,
        enc.encode(recordJson(kept)),
      );
  }
  for (const r of change.removals) {
    const kept = state.removals.get(r.member);
    if (kept) await store.put(ROOM_TABLES.record, `${room}/r/${r.member}`, enc.encode(recordJson(kept)));
  }
}

/** Stores a raw owner seed sealed in the SecretStore under the room id. */
export function putOwnerSeed(secrets: SecretWriter, room: string, seed: Secret): Promise<void> {
  return secrets.put(ROOM_SEED_NAMESPACE, room, seed);
}

/** The sealed raw owner seed of a room, if this replica holds one. */
export function getOwnerSeed(secrets: SecretWriter, room: string): Promise<Secret | undefined> {
  return secrets.get(ROOM_SEED_NAMESPACE, room);
}
