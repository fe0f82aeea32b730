// Stand-alone verification of a room export: every owner signature, the version sequence, references.
import { ed25519PublicKeyObject } from "../crypto/ed25519.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { exportRoom, parseRoomExport, type RoomExport } from "./export-format.js";
import { verifyMember, verifyRemoval, verifyVersion } from "./records.js";
import { memberKey, RoomState } from "./state.js";

/** The verdict on an export. `valid` is false on any problem; warnings never make it invalid. */
export interface RoomVerification {
  readonly valid: boolean;
  readonly room: string;
  readonly currentVersion: number;
  /** True when the text is byte-identical to the canonical export of the same records. */
  readonly canonical: boolean;
  readonly problems: string[];
  readonly warnings: string[];
}

/**
 * Verifies a parsed export: each record signed by the room owner (the room id), versions 0…current with no
 * gap and `currentVersion` the highest, no duplicate keys, member and removal records pointing at existing
 * versions (a removal at ≥ 1: it is part of a rotation). Removed members still holding the current version
 * (a concurrent, unseen ban) are reported as a warning: the owner must rotate.
 * Returns a verdict; never throws for bad signatures.
 */
export function verifyRoomRecords(exp: RoomExport): Omit<RoomVerification, "canonical"> {
  const problems: string[] = [];
  let owner: ReturnType<typeof ed25519PublicKeyObject> | undefined;
  try {
    owner = ed25519PublicKeyObject(exp.room);
  } catch {
    problems.push("room is not a valid Ed25519 public key");
  }
  const versions = new Set<number>();
  for (const r of exp.versions) {
    if (versions.has(r.version)) problems.push(`version ${r.version}: duplicate record`);
    versions.add(r.version);
    if (owner && !verifyVersion(exp.room, owner, r))
      problems.push(`version ${r.version}: bad owner signature`);
  }
  const max = versions.size ? Math.max(...versions) : -1;
  for (let v = 0; v <= max; v++)
    if (!versions.has(v)) problems.push(`version ${v}: missing (sequence has a gap)`);
  if (exp.currentVersion !== max)
    problems.push(`currentVersion ${exp.currentVersion} is not the highest version ${max}`);
  const seen = new Set<string>();
  for (const r of exp.members) {
    const key = memberKey(r.version, r.member);
    if (seen.has(key)) problems.push(`member ${r.version}/${r.member}: duplicate record`);
    seen.add(key);
    if (!versions.has(r.version)) problems.push(`member ${r.version}/${r.member}: version does not exist`);
    if (owner && !verifyMember(exp.room, owner, r))
      problems.push(`member ${r.version}/${r.member}: bad owner signature`);
  }
  const removed = new Set<string>();
  for (const r of exp.removals) {
    if (removed.has(r.member)) problems.push(`removal ${r.member}: duplicate record`);
    removed.add(r.member);
    if (r.version < 1 || !versions.has(r.version))
      problems.push(`removal ${r.member}: version ${r.version} is not a rotation of this room`);
    if (owner && !verifyRemoval(exp.room, owner, r))
      problems.push(`removal ${r.member}: bad owner signature`);
  }
  const state = new RoomState(exp.room);
  state.merge(exp);
  const warnings = state
    .exposedAtCurrent()
    .map((m) => `removed member ${m} holds the current version ${max}: rotate the room`);
  return { valid: problems.length === 0, room: state.roomHex, currentVersion: max, problems, warnings };
}

/**
 * Verifies export text (parse + `verifyRoomRecords` + canonical check). Text that is not a room export at all
 * is a clean negative answer too (`valid: false`, the parse problem in `problems`, room "" and version -1).
 * @example const v = verifyRoomExport(readFileSync("room.json", "utf8")); if (!v.valid) console.log(v.problems);
 */
export function verifyRoomExport(text: string): RoomVerification {
  let exp: RoomExport;
  try {
    exp = parseRoomExport(text);
  } catch (err) {
    if (!(err instanceof InputRangeError || err instanceof InputTypeError)) throw err;
    const problem = `not a room export: ${err.message}`;
    return {
      valid: false,
      room: "",
      currentVersion: -1,
      canonical: false,
      problems: [problem],
      warnings: [],
    };
  }
  const verdict = verifyRoomRecords(exp);
  const state = new RoomState(exp.room);
  state.merge(exp);
  return { ...verdict, canonical: exportRoom(state) === text };
}
