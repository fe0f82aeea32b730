// Room operations racing on one database (two services, as two keyward instances would be): every operation
// is serialized per room, so a member added during a rotation is never left without the new version.
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { RoomsService } from "../src/rooms/rooms-service.js";
import { TEST_BACKENDS, type TestStorage } from "../src/store/testing.js";

const ownerSeed = new Uint8Array(32).fill(0x33);
const members = Array.from({ length: 12 }, (_, i) =>
  bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(i + 1))),
);
const opened: TestStorage[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});

for (const [backend, open] of TEST_BACKENDS) {
  describe(`concurrent room operations on one ${backend} database`, () => {
    it("adds racing with rotations and removals: every current member holds the current version", async () => {
      const t = await open();
      opened.push(t);
      const a = new RoomsService(t.storage);
      const b = new RoomsService(t.storage);
      await a.create({ name: "race", ownerSeed });
      await a.add("race", members[0]!);
      await a.add("race", members[1]!);
      // Instance a rotates and bans while instance b adds members: all in flight together.
      await Promise.all([
        a.rotate("race"),
        ...members.slice(2, 7).map((m) => b.add("race", m)),
        a.remove("race", members[1]!),
        ...members.slice(7).map((m) => b.add("race", m)),
        a.rotate("race"),
      ]);
      const state = await a.state("race");
      const current = state.currentVersion;
      expect(current).toBe(3);
      const holders = state.membersAt(current).sort();
      const expected = members.filter((m) => m !== members[1]).sort();
      expect(holders).toEqual(expected);
      expect(state.exposedAtCurrent()).toEqual([]);
      expect((await a.show("race")).members.sort()).toEqual(expected);
    });
  });
}
