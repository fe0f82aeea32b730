// End-to-end `keyward room …` as a new user would run it: create, add three, ban one, the banned member cannot
// read the new version while the others can, and a second replica derives the same records.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { deriveRoomSecret } from "../src/kdf/room-secret.js";
import { runCli } from "./cli-run.js";

const root = mkdtempSync(join(tmpdir(), "keyward-rooms-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `keyward` on the replica in `root/<dir>`. */
const kw = (dir: string, ...args: string[]) => runCli(join(root, dir), args);

function seedFile(name: string, byte: number): { path: string; key: string; seed: Uint8Array } {
  const seed = new Uint8Array(32).fill(byte);
  const path = join(root, `${name}.seed`);
  writeFileSync(path, `${bytesToHex(seed)}\n`);
  return { path, key: bytesToHex(ed25519PublicKey(seed)), seed };
}

// Each step is a real process (~0.5 s of CPU for tsx start-up): generous timeout for a loaded CI machine.
describe("keyward room (CLI end to end)", { timeout: 180_000 }, () => {
  const owner = seedFile("owner", 0x77);
  const [alice, bob, carol] = [seedFile("alice", 1), seedFile("bob", 2), seedFile("carol", 3)];

  it("create, add three, ban one: the banned member cannot read the new version, the others can", () => {
    expect(kw("a", "init").code).toBe(0);
    const created = kw("a", "--json", "room", "create", "--name", "team", "--owner-seed-file", owner.path);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toEqual({ room: owner.key, ownerPublicKey: owner.key, version: 0 });
    for (const m of [alice, bob, carol])
      expect(kw("a", "room", "add", "--room", "team", "--member", m.key).out).toBe("0");
    const removed = kw("a", "--json", "room", "remove", "--room", "team", "--member", bob.key);
    expect(JSON.parse(removed.out)).toEqual({ version: 1 });

    // The secret of version 1 as River derives it (the derivation has its own b3sum known answers).
    const expected = bytesToHex(deriveRoomSecret(owner.seed, ed25519PublicKey(owner.seed), 1));
    for (const m of [alice])
      expect(
        kw("a", "room", "decrypt", "--room", "team", "--version", "1", "--member-seed-file", m.path).out,
      ).toBe(expected);
    const denied = kw(
      "a",
      "--json",
      "room",
      "decrypt",
      "--room",
      "team",
      "--version",
      "1",
      "--member-seed-file",
      bob.path,
    );
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.out).error.code).toBe("forbidden");
    expect(denied.err).toMatch(/^error forbidden: /);

    const shown = JSON.parse(kw("a", "--json", "room", "show", "--room", "team").out);
    expect(shown).toMatchObject({
      version: 1,
      members: [alice.key, carol.key].sort(),
      removed: [{ member: bob.key, version: 1 }],
    });
  });

  it("a second replica with the same owner key derives the same records, byte for byte", () => {
    expect(kw("b", "init").code).toBe(0);
    kw("b", "room", "create", "--name", "team-b", "--owner-seed-file", owner.path);
    for (const m of [carol, bob, alice]) kw("b", "room", "add", "--room", "team-b", "--member", m.key);
    expect(kw("b", "room", "remove", "--room", "team-b", "--member", bob.key).out).toBe("1");
    const fa = join(root, "a.json");
    const fb = join(root, "b.json");
    expect(kw("a", "room", "export", "--room", "team", "--out", fa).code).toBe(0);
    expect(kw("b", "room", "export", "--room", "team-b", "--out", fb).code).toBe(0);
    expect(readFileSync(fa)).toEqual(readFileSync(fb));
    const imported = JSON.parse(kw("b", "--json", "room", "import", fa).out);
    expect(imported.merge).toMatchObject({ added: { versions: 0, members: 0, removals: 0 }, conflicts: [] });
  });

  it("a read-only replica imports, lets members decrypt, and refuses owner operations", () => {
    expect(kw("c", "init").code).toBe(0);
    expect(kw("c", "room", "import", join(root, "a.json"), "--name", "mirror").code).toBe(0);
    const expected = bytesToHex(deriveRoomSecret(owner.seed, ed25519PublicKey(owner.seed), 1));
    expect(
      kw("c", "room", "decrypt", "--room", "mirror", "--version", "1", "--member-seed-file", alice.path).out,
    ).toBe(expected);
    const rotate = kw("c", "room", "rotate", "--room", "mirror");
    expect(rotate.code).toBe(1);
    expect(rotate.err).toMatch(/^error forbidden: /);
  });

  it("tampered exports verify as invalid (exit 0, valid=false) and are refused on import", () => {
    const text = readFileSync(join(root, "a.json"), "utf8");
    const e = JSON.parse(text);
    e.members[0].ciphertext = `ff${e.members[0].ciphertext.slice(2)}`;
    const bad = join(root, "bad.json");
    writeFileSync(bad, JSON.stringify(e));
    const good = JSON.parse(kw("c", "--json", "room", "verify", join(root, "a.json")).out);
    expect(good).toMatchObject({ valid: true, canonical: true, currentVersion: 1 });
    const v = kw("c", "--json", "room", "verify", bad);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).valid).toBe(false);
    const imp = kw("c", "room", "import", bad);
    expect(imp.code).toBe(1);
    expect(imp.err).toMatch(/^error invalid_signature: /);
  });

  it("an owner key held by custody: the room id is the identity's Ed25519 public key", () => {
    expect(kw("a", "partition", "create", "acme").code).toBe(0);
    const id = ["--owner-partition", "acme", "--owner-identity", "email:owner@example.com"];
    const created = JSON.parse(kw("a", "--json", "room", "create", "--name", "cust", ...id).out);
    const key = JSON.parse(
      kw("a", "--json", "identity", "key", "--partition", "acme", "--identity", "email:owner@example.com")
        .out,
    );
    expect(created).toEqual({ room: key.publicKey, ownerPublicKey: key.publicKey, version: 0 });
    expect(kw("a", "room", "rotate", "--room", "cust").out).toBe("1");
  });

  it("bad input exits 2 with one line naming the flag, no stack trace", () => {
    const cases: [string[], RegExp][] = [
      [["room", "add", "--room", "team", "--member", "01".padEnd(64, "0")], /member is a small-order/],
      [
        ["room", "decrypt", "--room", "team", "--version", "-1", "--member-seed-file", alice.path],
        /--version/,
      ],
      [
        ["room", "decrypt", "--room", "team", "--version", "1", "--member-seed-file", join(root, "nope")],
        /--member-seed-file/,
      ],
      [["room", "create", "--name", "x"], /--owner-seed-file/],
    ];
    for (const [args, re] of cases) {
      const r = kw("a", ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.split("\n")).toHaveLength(1);
    }
  });
});
