// Room operations: secrets per version, membership, lock-out of removed members, permanent bans, payloads.
import { describe, expect, it } from "vitest";
import { bytesToHex, utf8 } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import { deriveRoomSecret } from "../kdf/room-secret.js";
import { decryptRoomSecret } from "./member-access.js";
import { addMemberRecords, newRoomState, rotateRecords } from "./operations.js";
import { rawSeedOwnerKey } from "./owner-key.js";
import { openRoomPayload, roomPayloadVersion, sealRoomPayload } from "./payload.js";
import { verifyMember, verifyRemoval, verifyVersion } from "./records.js";
import type { RoomState } from "./state.js";

const seed = (b: number) => new Uint8Array(32).fill(b);
const ownerSeed = seed(0x11);
const members = [1, 2, 3].map((b) => ({ seed: seed(b), key: bytesToHex(ed25519PublicKey(seed(b))) }));

async function apply(state: RoomState, change: Promise<Parameters<RoomState["merge"]>[0]>): Promise<void> {
  state.merge(await change);
}

async function roomWithThree() {
  const owner = rawSeedOwnerKey(ownerSeed);
  const state = await newRoomState(owner);
  for (const m of members) await apply(state, addMemberRecords(state, owner, m.key));
  return { owner, state };
}

function codeOf(err: unknown): string {
  return err instanceof KeywardError ? err.code : String(err);
}

describe("room operations", () => {
  it("every version's secret is deriveRoomSecret(ownerSeed, ownerKey, version), recoverable by members", async () => {
    const { owner, state } = await roomWithThree();
    await apply(state, rotateRecords(state, owner));
    for (const v of [0, 1])
      for (const m of members)
        expect(decryptRoomSecret(state, v, m.seed).use(bytesToHex)).toBe(
          bytesToHex(deriveRoomSecret(ownerSeed, owner.publicKey, v)),
        );
  });

  it("signs every record with the owner key", async () => {
    const { owner, state } = await roomWithThree();
    await apply(state, rotateRecords(state, owner, [members[0]!.key]));
    const r = state.records();
    expect(r.versions.every((x) => verifyVersion(state.room, owner.publicKey, x))).toBe(true);
    expect(r.members.every((x) => verifyMember(state.room, owner.publicKey, x))).toBe(true);
    expect(r.removals.every((x) => verifyRemoval(state.room, owner.publicKey, x))).toBe(true);
    expect(verifyVersion(state.room, ed25519PublicKey(seed(9)), r.versions[0]!)).toBe(false);
  });

  it("remove rotates synchronously and locks the removed member out of later versions only", async () => {
    const { owner, state } = await roomWithThree();
    const [banned, ...rest] = members;
    const change = await rotateRecords(state, owner, [banned!.key]);
    state.merge(change);
    expect(change.version).toBe(1);
    expect(state.membersAt(1)).toEqual(rest.map((m) => m.key).sort());
    expect(() => decryptRoomSecret(state, 1, banned!.seed)).toThrow(/not a member of version 1/);
    expect(decryptRoomSecret(state, 0, banned!.seed).length).toBe(32);
    await apply(state, rotateRecords(state, owner));
    expect(() => decryptRoomSecret(state, 2, banned!.seed)).toThrow(KeywardError);
    for (const m of rest) expect(decryptRoomSecret(state, 2, m.seed).length).toBe(32);
  });

  it("removal is permanent; adding twice is a no-op; removing a non-member is refused", async () => {
    const { owner, state } = await roomWithThree();
    expect((await addMemberRecords(state, owner, members[0]!.key)).members).toHaveLength(0);
    await apply(state, rotateRecords(state, owner, [members[0]!.key]));
    const readd = await addMemberRecords(state, owner, members[0]!.key).catch(codeOf);
    expect(readd).toBe("revoked");
    expect(await rotateRecords(state, owner, [members[0]!.key]).catch(codeOf)).toBe("not_found");
  });

  it("refuses small-order member keys, foreign owners and version overflow", async () => {
    const { owner, state } = await roomWithThree();
    expect(await addMemberRecords(state, owner, "01".padEnd(64, "0")).catch(codeOf)).toBe("invalid_input");
    const other = rawSeedOwnerKey(seed(0x22));
    expect(await rotateRecords(state, other).catch(codeOf)).toBe("forbidden");
    const top = await newRoomState(owner);
    top.versions.set(0xffffffff, top.versions.get(0)!);
    expect(await rotateRecords(top, owner).catch(codeOf)).toBe("conflict");
  });
});

describe("room payloads", () => {
  it("binds room and version: old messages stay readable, other versions and rooms fail", async () => {
    const { owner, state } = await roomWithThree();
    await apply(state, rotateRecords(state, owner, [members[0]!.key]));
    const s0 = decryptRoomSecret(state, 0, members[1]!.seed);
    const s1 = decryptRoomSecret(state, 1, members[1]!.seed);
    const old = sealRoomPayload(state.room, 0, s0, utf8("before the ban"));
    expect(roomPayloadVersion(old)).toBe(0);
    expect(new TextDecoder().decode(openRoomPayload(state.room, s0, old)!)).toBe("before the ban");
    expect(openRoomPayload(state.room, s1, old)).toBeUndefined();
    expect(openRoomPayload(ed25519PublicKey(seed(5)), s0, old)).toBeUndefined();
    const relabelled = Uint8Array.from(old);
    relabelled[1] = 1; // claims version 1, but the AAD and key were for version 0
    expect(openRoomPayload(state.room, s1, relabelled)).toBeUndefined();
    expect(() => roomPayloadVersion(new Uint8Array(10))).toThrow(RangeError);
  });
});
