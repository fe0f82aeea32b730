// A room's record set: set union keyed by version, (version, member) and member, with deterministic conflicts.
import { bytesToHex } from "../crypto/bytes.js";
import {
  assertRoomId,
  type MemberRecord,
  type RemovalRecord,
  recordJson,
  type VersionRecord,
} from "./records.js";

/** Records to merge into a room (already signature-checked by the caller). */
export interface RoomRecordSet {
  readonly versions: readonly VersionRecord[];
  readonly members: readonly MemberRecord[];
  readonly removals: readonly RemovalRecord[];
}

/** One conflicting duplicate: two different signed records under the same key. */
export interface RoomConflict {
  readonly kind: "version" | "member" | "removal";
  /** `"<version>"`, `"<version>/<member>"` or `"<member>"`. */
  readonly key: string;
  /** Signatures (hex) of the kept and the dropped record. */
  readonly kept: string;
  readonly dropped: string;
}

/** What a merge changed. */
export interface MergeReport {
  readonly added: { versions: number; members: number; removals: number };
  readonly duplicates: number;
  readonly conflicts: RoomConflict[];
}

function pad(version: number): string {
  return String(version).padStart(10, "0");
}

/** Map key of a member record: fixed-width version, then member hex (sorts as (version, member)). */
export function memberKey(version: number, member: string): string {
  return `${pad(version)}/${member}`;
}

/**
 * Chooses between two different records under one key, independent of arrival order (never last-writer-
 * wins): removals keep the lower version (the earlier, stricter ban); otherwise, and on a tie, the record
 * whose canonical JSON sorts first in byte order is kept.
 */
function pick<T extends VersionRecord | MemberRecord | RemovalRecord>(a: T, b: T): [T, T] {
  if ("member" in a && !("ciphertext" in a) && a.version !== b.version)
    return a.version < b.version ? [a, b] : [b, a];
  return recordJson(a) < recordJson(b) ? [a, b] : [b, a];
}

/**
 * The records of one room (identified by its owner's Ed25519 verifying key) and the membership they imply.
 * A member belongs to version v when a member record (v, m) exists and m has no removal at a version ≤ v.
 * @example
 * const state = new RoomState(ownerVk);
 * const report = state.merge(otherReplica);
 */
export class RoomState {
  readonly room: Uint8Array;
  readonly roomHex: string;
  readonly versions = new Map<number, VersionRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly removals = new Map<string, RemovalRecord>();

  constructor(room: Uint8Array) {
    assertRoomId(room);
    this.room = Uint8Array.from(room);
    this.roomHex = bytesToHex(room);
  }

  /** Highest version present (the current one); -1 for a room without records. */
  get currentVersion(): number {
    let max = -1;
    for (const v of this.versions.keys()) if (v > max) max = v;
    return max;
  }

  /** True when `member` is removed at or before `version`. */
  isRemovedAt(member: string, version: number): boolean {
    const r = this.removals.get(member);
    return r !== undefined && r.version <= version;
  }

  /** Effective members of `version`, sorted by key. */
  membersAt(version: number): string[] {
    const prefix = `${pad(version)}/`;
    const out: string[] = [];
    for (const [k, r] of this.members)
      if (k.startsWith(prefix) && !this.isRemovedAt(r.member, version)) out.push(r.member);
    return out.sort();
  }

  /** The member record of (version, member) when that member is effective at that version. */
  memberRecord(version: number, member: string): MemberRecord | undefined {
    if (this.isRemovedAt(member, version)) return undefined;
    return this.members.get(memberKey(version, member));
  }

  /**
   * Removed members that still hold a record at the current version (e.g. a concurrent rotation on another
   * replica that had not seen the ban): the room must rotate again before new messages are safe.
   */
  exposedAtCurrent(): string[] {
    const current = this.currentVersion;
    const out: string[] = [];
    for (const r of this.removals.values())
      if (r.version <= current && this.members.has(memberKey(current, r.member))) out.push(r.member);
    return out.sort();
  }

  /** Set union with `records`; order of merges never changes the result. */
  merge(records: RoomRecordSet): MergeReport {
    const added = { versions: 0, members: 0, removals: 0 };
    const conflicts: RoomConflict[] = [];
    let duplicates = 0;
    const put = <T extends VersionRecord | MemberRecord | RemovalRecord>(
      map: Map<string | number, T>,
      key: string | number,
      rec: T,
      kind: RoomConflict["kind"],
      label: string,
    ): void => {
      const prev = map.get(key);
      if (!prev) {
        map.set(key, rec);
        added[`${kind}s` as "versions" | "members" | "removals"]++;
        return;
      }
      if (recordJson(prev) === recordJson(rec)) {
        duplicates++;
        return;
      }
      const [kept, dropped] = pick(prev, rec);
      map.set(key, kept);
      conflicts.push({ kind, key: label, kept: kept.signature, dropped: dropped.signature });
    };
    const versions = this.versions as Map<string | number, VersionRecord>;
    const members = this.members as Map<string | number, MemberRecord>;
    const removals = this.removals as Map<string | number, RemovalRecord>;
    for (const r of records.versions) put(versions, r.version, r, "version", String(r.version));
    for (const r of records.members)
      put(members, memberKey(r.version, r.member), r, "member", `${r.version}/${r.member}`);
    for (const r of records.removals) put(removals, r.member, r, "removal", r.member);
    return { added, duplicates, conflicts };
  }

  /** Every record, each list in canonical order (versions by number, members by (version, key), removals by key). */
  records(): RoomRecordSet {
    return {
      versions: [...this.versions.values()].sort((a, b) => a.version - b.version),
      members: [...this.members.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]),
      removals: [...this.removals.values()].sort((a, b) => (a.member < b.member ? -1 : 1)),
    };
  }
}
