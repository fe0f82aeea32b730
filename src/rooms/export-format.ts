// The canonical room export: one JSON line with a fixed layout, so equal states export equal bytes.
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import {
  type MemberRecord,
  parseMemberRecord,
  parseRemovalRecord,
  parseVersionRecord,
  type RemovalRecord,
  recordJson,
  type VersionRecord,
} from "./records.js";
import type { RoomState } from "./state.js";

/** Format marker of the export (docs/wire-format.md, "Room export"). */
export const ROOM_EXPORT_FORMAT = "keyward-room-v1";

/** A parsed export: the room id and its records as they appear in the file (not yet verified). */
export interface RoomExport {
  readonly room: Uint8Array;
  readonly currentVersion: number;
  readonly versions: VersionRecord[];
  readonly members: MemberRecord[];
  readonly removals: RemovalRecord[];
}

/**
 * Canonical export text of a room: `{"format","room","currentVersion","versions","members","removals"}`
 * in that order, records in canonical order and field order, no whitespace, one trailing newline.
 * @example writeFileSync("room.json", exportRoom(state));
 */
export function exportRoom(state: RoomState): string {
  const r = state.records();
  const list = (items: readonly (VersionRecord | MemberRecord | RemovalRecord)[]) =>
    `[${items.map(recordJson).join(",")}]`;
  return (
    `{"format":"${ROOM_EXPORT_FORMAT}","room":"${state.roomHex}","currentVersion":${state.currentVersion},` +
    `"versions":${list(r.versions)},"members":${list(r.members)},"removals":${list(r.removals)}}\n`
  );
}

function arrayAt(o: Record<string, unknown>, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new InputTypeError(`export.${key} must be an array`);
  return v;
}

/**
 * Parses an export strictly (every field checked, unknown fields refused). Signatures are checked by
 * `verifyRoomExport`, not here.
 * @throws {TypeError|RangeError} naming the offending path (e.g. `export.members[3].nonce`).
 */
export function parseRoomExport(text: string): RoomExport {
  if (typeof text !== "string") throw new InputTypeError("export must be a string");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputRangeError("export is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InputTypeError("export must be a JSON object");
  const o = value as Record<string, unknown>;
  const known = ["format", "room", "currentVersion", "versions", "members", "removals"];
  for (const k of Object.keys(o))
    if (!known.includes(k)) throw new InputRangeError("export has an unknown field");
  if (o.format !== ROOM_EXPORT_FORMAT)
    throw new InputRangeError(`export.format must be "${ROOM_EXPORT_FORMAT}"`);
  const room = hexToBytes(o.room, "export.room", 32);
  if (o.room !== bytesToHex(room)) throw new InputRangeError("export.room must be lower-case hex");
  const cv = o.currentVersion;
  if (typeof cv !== "number" || !Number.isInteger(cv) || cv < -1 || cv > 0xffffffff)
    throw new InputRangeError("export.currentVersion must be an integer");
  return {
    room,
    currentVersion: cv,
    versions: arrayAt(o, "versions").map((r, i) => parseVersionRecord(r, `export.versions[${i}]`)),
    members: arrayAt(o, "members").map((r, i) => parseMemberRecord(r, `export.members[${i}]`)),
    removals: arrayAt(o, "removals").map((r, i) => parseRemovalRecord(r, `export.removals[${i}]`)),
  };
}
