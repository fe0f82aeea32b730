// The working state a write loads (all versions and removals, current members only) answers every question a
// write asks exactly as the full record set does, and reads no older member record.
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { deriveRoomSecret } from "../kdf/room-secret.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { loadRoomState, loadRoomWorkingState } from "./repository.js";
import { RoomsService } from "./rooms-service.js";

const opened: TestStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});
const key = (b: number) => bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(b)));

describe("loadRoomWorkingState", () => {
  it("matches the full state on versions, removals, current members and exposure after many changes", async () => {
    const t = await openTestSqliteStorage();
    opened.push(t);
    const rooms = new RoomsService(t.storage);
    const { room } = await rooms.create({ name: "w", ownerSeed: new Uint8Array(32).fill(0x44) });
    for (let b = 1; b <= 6; b++) await rooms.add("w", key(b));
    await rooms.remove("w", key(2));
    await rooms.rotate("w");
    await rooms.add("w", key(7));
    await rooms.remove("w", key(5));
    const full = await loadRoomState(t.storage.state, room);
    const work = await loadRoomWorkingState(t.storage.state, room);
    const current = full.currentVersion;
    expect(current).toBe(3);
    expect(work.currentVersion).toBe(current);
    expect(work.membersAt(current)).toEqual(full.membersAt(current));
    expect([...work.versions.keys()].sort()).toEqual([...full.versions.keys()].sort());
    expect([...work.removals.keys()].sort()).toEqual([...full.removals.keys()].sort());
    expect(work.exposedAtCurrent()).toEqual(full.exposedAtCurrent());
    // Only the current version's member records were read.
    expect([...work.members.values()].every((r) => r.version === current)).toBe(true);
    expect(full.members.size).toBeGreaterThan(work.members.size);
    expect(await rooms.show("w")).toMatchObject({
      version: 3,
      versions: 4,
      members: full.membersAt(current),
    });
  });

  it("loads one given version's members; decrypt of an old version reads only that version", async () => {
    const t = await openTestSqliteStorage();
    opened.push(t);
    const rooms = new RoomsService(t.storage);
    const ownerSeed = new Uint8Array(32).fill(0x45);
    const { room } = await rooms.create({ name: "d", ownerSeed });
    const aliceSeed = new Uint8Array(32).fill(1);
    await rooms.add("d", key(1));
    await rooms.rotate("d");
    await rooms.rotate("d");
    const v0 = await loadRoomWorkingState(t.storage.state, room, 0);
    expect([...v0.members.values()].map((r) => [r.version, r.member])).toEqual([[0, key(1)]]);
    const secret = await rooms.decrypt("d", 0, aliceSeed);
    const expected = deriveRoomSecret(ownerSeed, ed25519PublicKey(ownerSeed), 0);
    expect(bytesToHex(secret.expose())).toBe(bytesToHex(expected));
    await expect(rooms.decrypt("d", 0, new Uint8Array(32).fill(2))).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(rooms.decrypt("d", -1, aliceSeed)).rejects.toThrow(RangeError);
  });

  it("is empty for an unknown room", async () => {
    const t = await openTestSqliteStorage();
    opened.push(t);
    const work = await loadRoomWorkingState(t.storage.state, key(9));
    expect(work.currentVersion).toBe(-1);
  });
});
