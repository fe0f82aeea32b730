// verifyRoomExport: signatures, version sequence, references; tampering is a clean negative, not a throw.
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { exportRoom, parseRoomExport } from "./export-format.js";
import { addMemberRecords, newRoomState, rotateRecords } from "./operations.js";
import { rawSeedOwnerKey } from "./owner-key.js";
import { verifyRoomExport } from "./verify.js";

const owner = rawSeedOwnerKey(new Uint8Array(32).fill(7));
const member = (b: number) => bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(b)));

async function sample(): Promise<string> {
  const state = await newRoomState(owner);
  state.merge(await addMemberRecords(state, owner, member(1)));
  state.merge(await addMemberRecords(state, owner, member(2)));
  state.merge(await rotateRecords(state, owner, [member(1)]));
  return exportRoom(state);
}

describe("verifyRoomExport", () => {
  it("accepts an untouched export and reports it canonical", async () => {
    const v = verifyRoomExport(await sample());
    expect(v).toMatchObject({ valid: true, canonical: true, currentVersion: 1, problems: [], warnings: [] });
  });

  it("fails on any tampered record field, naming the record", async () => {
    const text = await sample();
    const exp = JSON.parse(text);
    const cases: [string, (e: typeof exp) => void][] = [
      ["member 0/", (e) => (e.members[0].ciphertext = `ff${e.members[0].ciphertext.slice(2)}`)],
      ["member 1/", (e) => (e.members.at(-1).version = 0)],
      ["version 1", (e) => (e.versions[1].signature = `00${e.versions[1].signature.slice(2)}`)],
      ["removal", (e) => (e.removals[0].version = 0)],
    ];
    for (const [needle, mutate] of cases) {
      const e = JSON.parse(text);
      mutate(e);
      const v = verifyRoomExport(JSON.stringify(e));
      expect(v.valid).toBe(false);
      expect(v.problems.join("\n")).toContain(needle.split(" ")[0]);
    }
  });

  it("fails on a version gap and on records signed by another key", async () => {
    const e = JSON.parse(await sample());
    e.versions.splice(0, 1);
    expect(verifyRoomExport(JSON.stringify(e)).problems).toContain("version 0: missing (sequence has a gap)");
    const other = JSON.parse(await sample());
    other.room = member(9);
    const v = verifyRoomExport(JSON.stringify(other));
    expect(v.valid).toBe(false);
    expect(v.problems.length).toBeGreaterThan(3);
  });

  it("reports non-canonical text without failing, and throws only on malformed files", async () => {
    const text = await sample();
    expect(verifyRoomExport(JSON.stringify(JSON.parse(text), null, 2))).toMatchObject({
      valid: true,
      canonical: false,
    });
    expect(() => parseRoomExport("{")).toThrow(/not valid JSON/);
    expect(() => parseRoomExport(text.replace('"nonce"', '"nonse"'))).toThrow(/export.members\[0\]/);
    expect(() => parseRoomExport(text.replace("keyward-room-v1", "x"))).toThrow(/export.format/);
  });

  it("answers valid=false (never throws) for text that is not a room export", () => {
    for (const bad of ["{", "[]", '{"format":"x"}', ""]) {
      const v = verifyRoomExport(bad);
      expect(v).toMatchObject({ valid: false, room: "", currentVersion: -1, canonical: false });
      expect(v.problems[0]).toMatch(/^not a room export: export/);
    }
  });
});
