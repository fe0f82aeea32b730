// River format end to end over real storage: export judged by River's contract, import of River-produced states.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey, ed25519Sign } from "../crypto/ed25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import { ContractRunner } from "../interop/freenet/contract-runner.js";
import {
  decodeChatRoomState,
  encodeChatRoomDelta,
  encodeChatRoomState,
  riverMemberId,
  signedBytes,
  writeEncryptedSecret,
  writeMember,
  writeSecretVersionRecord,
} from "../interop/river/index.js";
import { encryptSecretForMember } from "../kdf/river-ecies.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { riverDelta } from "./river-delta.js";
import { RiverRooms } from "./river-rooms.js";
import { RoomsService } from "./rooms-service.js";

const contract = await ContractRunner.open(readFileSync("test/fixtures/river/room_contract_current.wasm"));
afterAll(() => contract.close());
const seed = (b: number) => new Uint8Array(32).fill(b);
const ownerSeed = seed(0x11);
const ownerVk = ed25519PublicKey(ownerSeed);
const ownerId = riverMemberId(ownerVk);
const [alice, bob, carol, mallory] = [1, 2, 3, 4].map((b) => bytesToHex(ed25519PublicKey(seed(b))));
const opened: TestStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});

async function replica() {
  const t = await openTestSqliteStorage();
  opened.push(t);
  const rooms = new RoomsService(t.storage);
  const river = new RiverRooms(t.storage, rooms);
  await rooms.create({ name: "team", ownerSeed: Uint8Array.from(ownerSeed) });
  return { rooms, river };
}

async function valid(parameters: Uint8Array, state: Uint8Array): Promise<string> {
  const r = await contract.validateState(parameters, state);
  return r.ok ? r.value.kind : JSON.stringify(r.error);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof KeywardError ? err.code : String(err);
  }
}

describe("keyward rooms in River's format", () => {
  it("a new user's room: create, add, ban, export, and River's contract says Valid", async () => {
    const { rooms, river } = await replica();
    for (const m of [alice!, bob!, carol!, mallory!]) await rooms.add("team", m);
    await rooms.remove("team", mallory!);
    const out = await river.export("team");
    expect(out.version).toBe(1);
    expect(await valid(out.parameters, out.state)).toBe("Valid");
    const s = decodeChatRoomState(out.state);
    expect(s.members.map((m) => bytesToHex(m.member.memberVk)).sort()).toEqual([alice, bob, carol].sort());
    expect(s.bans.map((b) => b.ban.bannedUser)).toEqual([riverMemberId(Buffer.from(mallory!, "hex"))]);
    expect(s.secrets.versions.map((v) => v.record.createdAt)).toEqual([
      { secs: 0n, nanos: 0 },
      { secs: 1n, nanos: 0 },
    ]);
  });

  it("two replicas with the same owner seed export byte-identical River states for the same operations", async () => {
    const a = await replica();
    const b = await replica();
    for (const r of [a, b]) {
      for (const m of [alice!, bob!, mallory!]) await r.rooms.add("team", m);
      await r.rooms.remove("team", mallory!);
      await r.rooms.rotate("team");
      await r.rooms.add("team", carol!);
    }
    const [ea, eb] = [await a.river.export("team"), await b.river.export("team")];
    expect(bytesToHex(ea.state)).toBe(bytesToHex(eb.state));
    expect(bytesToHex(await a.river.export("team").then((e) => e.state))).toBe(bytesToHex(ea.state));
  });

  it("imports the state River's update_state produced, checking every signature, and manages it from there", async () => {
    const a = await replica();
    for (const m of [alice!, bob!, mallory!]) await a.rooms.add("team", m);
    const before = await a.river.export("team");
    await a.rooms.remove("team", mallory!);
    const after = await a.river.export("team");
    const delta = riverDelta(decodeChatRoomState(before.state), decodeChatRoomState(after.state))!;
    const r = await contract.updateState(before.parameters, before.state, [
      { kind: "Delta", delta: encodeChatRoomDelta(delta) },
    ]);
    const fromRiver = r.ok ? r.value! : new Uint8Array(0);
    // A second replica that holds the same owner key reads River's state …
    const b = await replica();
    const result = await b.river.import(fromRiver, { parameters: after.parameters });
    expect(result).toMatchObject({ version: 1, foreignVersions: [], rotatedTo: null, added: [] });
    expect((await b.rooms.show("team")).members).toEqual([alice, bob].sort());
    expect(bytesToHex((await b.river.export("team")).state)).toBe(bytesToHex(fromRiver));
    // … and manages it: a ban rotates, a new member gets the current secret; River accepts the delta.
    await b.rooms.remove("team", bob!);
    await b.rooms.add("team", carol!);
    const next = await b.river.export("team");
    const d2 = riverDelta(decodeChatRoomState(fromRiver), decodeChatRoomState(next.state))!;
    const r2 = await contract.updateState(next.parameters, fromRiver, [
      { kind: "Delta", delta: encodeChatRoomDelta(d2) },
    ]);
    expect(r2.ok && r2.value && bytesToHex(r2.value)).toBe(bytesToHex(next.state));
    expect(await valid(next.parameters, next.state)).toBe("Valid");
    expect(await code(b.rooms.add("team", mallory!))).toBe("revoked");
  });

  it("refuses a River state with any bad signature, naming the record", async () => {
    const a = await replica();
    await a.rooms.add("team", alice!);
    const out = await a.river.export("team");
    const s = decodeChatRoomState(out.state);
    const sig = Uint8Array.from(s.members[0]!.signature);
    sig[0]! ^= 1;
    const bad = encodeChatRoomState({ ...s, members: [{ ...s.members[0]!, signature: sig }] });
    const err = await a.river.import(bad, { parameters: out.parameters }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect((err as KeywardError).code).toBe("invalid_signature");
    expect((err as KeywardError).message).toMatch(/members\[0\]: bad inviter signature/);
    expect(() => decodeChatRoomState(out.state.subarray(0, 20))).toThrow(RangeError);
  });

  it("imports a room River's UI made: random v0 kept verbatim, a member invited by a member, then rotates", async () => {
    const a = await replica();
    const exported = decodeChatRoomState((await a.river.export("team")).state);
    // River's UI: v0 is a random secret (not derived), the owner invites alice, alice invites bob.
    const v0 = { version: 0, createdAt: { secs: 1_767_000_000n, nanos: 5 } };
    const random = seed(0x77);
    const blob = (vk: Uint8Array) => {
      const e = encryptSecretForMember(random, vk);
      const secret = {
        memberId: riverMemberId(vk),
        secretVersion: 0,
        ciphertext: e.ciphertext,
        nonce: e.nonce,
        senderEphemeralPublicKey: e.ephemeralPublicKey,
        provider: ownerId,
      };
      return { secret, ownerSignature: ed25519Sign(ownerSeed, signedBytes(writeEncryptedSecret, secret)) };
    };
    const aliceVk = Buffer.from(alice!, "hex");
    const bobVk = Buffer.from(bob!, "hex");
    const mA = { ownerMemberId: ownerId, invitedBy: ownerId, memberVk: aliceVk };
    const mB = { ownerMemberId: ownerId, invitedBy: riverMemberId(aliceVk), memberVk: bobVk };
    const state = encodeChatRoomState({
      ...exported,
      members: [
        { member: mA, signature: ed25519Sign(ownerSeed, signedBytes(writeMember, mA)) },
        { member: mB, signature: ed25519Sign(seed(1), signedBytes(writeMember, mB)) },
      ],
      secrets: {
        currentVersion: 0,
        versions: [
          { record: v0, ownerSignature: ed25519Sign(ownerSeed, signedBytes(writeSecretVersionRecord, v0)) },
        ],
        encryptedSecrets: [blob(ownerVk), blob(aliceVk)],
      },
    });
    const params = (await a.river.export("team")).parameters;
    expect(await valid(params, state)).toBe("Valid");
    const result = await a.river.import(state); // found by River's owner member id
    expect(result).toMatchObject({ foreignVersions: [0], rotatedTo: 1, version: 1 });
    expect(result.added).toEqual([alice, bob].sort()); // neither held a keyward-derivable secret
    expect((await a.rooms.show("team")).members).toEqual([alice, bob].sort());
    const out = decodeChatRoomState((await a.river.export("team")).state);
    expect(out.secrets.versions[0]!.record).toEqual(v0); // River's own v0 record, verbatim
    expect(await valid(params, encodeChatRoomState(out))).toBe("Valid");
  });
});
