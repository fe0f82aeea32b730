// Rooms owned by a custody identity: the owner key is lent only to sign, so refused operations leave no
// audited key loan behind, and signing operations leave exactly one each.
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { createCustody } from "./custody.js";
import { createRooms } from "./rooms.js";

const member = bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(9)));
const stranger = bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(10)));
const opened: TestStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});

async function setup() {
  const t = await openTestSqliteStorage();
  opened.push(t);
  const service = await createCustody(t.storage, { actor: "test" });
  await service.custody.createPartition("acme");
  const { rooms, close } = createRooms(t.storage, { custody: service.custody, threads: 1 });
  const owner = { partition: "acme", identity: "user:owner" };
  const { room } = await rooms.create({ name: "team", custody: owner });
  const loans = async () => {
    let n = 0;
    for await (const e of service.audit.entries())
      if (Buffer.from(e.body, "hex").includes(Buffer.from("custody.key-use"))) n++;
    return n;
  };
  return { rooms, close, room, owner, custody: service.custody, audit: service.audit, loans };
}

describe("rooms with a custody-held owner key", () => {
  it("the room id is the identity's public key; signing operations borrow the key once each", async () => {
    const { rooms, close, room, owner, custody, loans } = await setup();
    expect(room).toBe((await custody.key(owner)).publicKey);
    const before = await loans();
    await rooms.add("team", member);
    await rooms.rotate("team");
    expect(await loans()).toBe(before + 2);
    await close();
  });

  it("refused operations borrow nothing: ban of a non-member, re-adding a banned key, adding twice", async () => {
    const { rooms, close, loans } = await setup();
    await rooms.add("team", member);
    await rooms.remove("team", member);
    const before = await loans();
    await expect(rooms.remove("team", stranger)).rejects.toMatchObject({ code: "not_found" });
    await expect(rooms.add("team", member)).rejects.toMatchObject({ code: "revoked" });
    await rooms.add("team", stranger);
    const afterAdd = await loans();
    expect(afterAdd).toBe(before + 1);
    expect((await rooms.add("team", stranger)).added).toBe(false);
    expect(await loans()).toBe(afterAdd);
    await close();
  });

  it("a write's actor argument is recorded on the key loans it causes", async () => {
    const { rooms, close, audit } = await setup();
    await rooms.add("team", member, "token:tk_rooms");
    const loans: string[] = [];
    for await (const e of audit.entries()) {
      const body = Buffer.from(e.body, "hex").toString("latin1");
      if (body.includes("custody.key-use")) loans.push(body);
    }
    expect(loans.at(-1)).toContain("token:tk_rooms");
    expect(loans[0]).not.toContain("token:tk_rooms"); // the create, made without an actor
    await close();
  });

  it("a suspended owner identity cannot change the room", async () => {
    const { rooms, close, owner, custody } = await setup();
    await custody.suspend(owner);
    await expect(rooms.add("team", member)).rejects.toMatchObject({ code: "suspended" });
    await custody.resume(owner);
    expect((await rooms.add("team", member)).added).toBe(true);
    await close();
  });
});

describe("rooms after the owner identity rotates", () => {
  it("refuse changes with a conflict naming the rotation, never a loan of the new key", async () => {
    const { rooms, close, owner, custody, loans } = await setup();
    await custody.rotate(owner);
    const before = await loans();
    await expect(rooms.add("team", member)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/new key since the room was created/),
    });
    expect(await loans()).toBe(before);
    await close();
  });
});
