// Rehydration on both backends: restored, dropped on a missing secret, kept on I/O error, mismatch or tampering.
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import type { Storage } from "./ports.js";
import { RecordTable } from "./records.js";
import { persistWithSecret, type RehydrationEvent, type RehydrationSpec, rehydrateAll } from "./rehydrate.js";
import type { SealedStorage } from "./sealed-storage.js";
import { TEST_BACKENDS, type TestStorage } from "./testing.js";

/** A delegate session as persisted: identity, the secret's name and the public key — never the secret. */
interface SessionRecord {
  readonly user: string;
  readonly secretName: string;
  readonly publicKey: string;
  readonly intent: string;
}

const spec: RehydrationSpec<SessionRecord> = {
  table: new RecordTable<SessionRecord>("test.session"),
  secretRef: (r) => ({ namespace: "test.dkg", name: r.secretName }),
  publicKey: (r) => hexToBytes(r.publicKey),
  derivePublicKey: (secret) => secret.use((seed) => ed25519PublicKey(seed)),
};

async function newSession(storage: Storage, user: string): Promise<Uint8Array> {
  const seed = randomBytes(32);
  const record = {
    user,
    secretName: `dkg-secret.${user}`,
    publicKey: bytesToHex(ed25519PublicKey(seed)),
    intent: "settle",
  };
  await persistWithSecret(storage, spec, user, record, Secret.from(seed));
  return seed;
}

/** A Storage whose secret reads fail for one name, as a broken disk or network would. */
function withFailingSecret(storage: Storage, failing: string): Storage {
  const secrets = Object.create(storage.secrets) as Storage["secrets"];
  secrets.get = async (ns, name) => {
    if (name === failing) throw new Error("EIO: read failed");
    return storage.secrets.get(ns, name);
  };
  return {
    ...storage,
    backend: storage.backend,
    secrets,
    transaction: (fn) => storage.transaction(fn),
    close: () => storage.close(),
  };
}

for (const [label, open] of TEST_BACKENDS) {
  describe(`rehydration (${label})`, () => {
    let t: TestStorage | undefined;
    afterEach(async () => {
      await t?.cleanup();
      t = undefined;
    });

    it("restores every session after a restart with its secret and a checked public key", async () => {
      t = await open();
      const seeds = new Map<string, Uint8Array>();
      for (const u of ["alice", "bob", "carol"]) seeds.set(u, await newSession(t.storage, u));
      const raw = await spec.table.get(t.storage.state, "alice");
      expect(JSON.stringify(raw)).not.toContain(bytesToHex(seeds.get("alice")!));
      const events: RehydrationEvent[] = [];
      const report = await rehydrateAll(t.storage, spec, (e) => events.push(e));
      expect(report.restored.map((r) => r.key)).toEqual(["alice", "bob", "carol"]);
      for (const r of report.restored) expect(r.secret.expose()).toEqual(seeds.get(r.key));
      expect(events.every((e) => e.type === "restored")).toBe(true);
    });

    it("drops a record whose secret is gone, with an explicit event, and deletes it", async () => {
      t = await open();
      await newSession(t.storage, "alice");
      await newSession(t.storage, "bob");
      await t.storage.secrets.delete("test.dkg", "dkg-secret.bob");
      const events: RehydrationEvent[] = [];
      const report = await rehydrateAll(t.storage, spec, (e) => events.push(e));
      expect(report.dropped).toEqual(["bob"]);
      expect(events).toContainEqual({ type: "dropped", key: "bob", reason: "secret_missing" });
      expect(await spec.table.get(t.storage.state, "bob")).toBeUndefined();
      expect(report.restored.map((r) => r.key)).toEqual(["alice"]);
    });

    it("keeps a record when reading its secret fails (I/O error), reporting it", async () => {
      t = await open();
      await newSession(t.storage, "alice");
      await newSession(t.storage, "bob");
      const events: RehydrationEvent[] = [];
      const report = await rehydrateAll(withFailingSecret(t.storage, "dkg-secret.bob"), spec, (e) =>
        events.push(e),
      );
      expect(report.kept).toEqual(["bob"]);
      expect(events.find((e) => e.key === "bob")).toMatchObject({ type: "kept", reason: "io_error" });
      expect(await spec.table.get(t.storage.state, "bob")).toBeDefined();
      expect(await t.storage.secrets.has("test.dkg", "dkg-secret.bob")).toBe(true);
    });

    it("keeps (and does not restore) a record whose secret no longer matches or no longer decrypts", async () => {
      t = await open();
      await newSession(t.storage, "alice");
      await newSession(t.storage, "bob");
      await t.storage.secrets.put("test.dkg", "dkg-secret.alice", Secret.from(randomBytes(32)));
      const raw = (t.storage as SealedStorage).raw.direct;
      const row = await raw.secretGet("test.dkg", "dkg-secret.bob");
      await raw.secretPut("test.dkg", "dkg-secret.bob", {
        keyVersion: 1,
        sealed: Uint8Array.from(row!.sealed).fill(7, 20, 21),
      });
      const events: RehydrationEvent[] = [];
      const report = await rehydrateAll(t.storage, spec, (e) => events.push(e));
      expect(report.restored).toEqual([]);
      expect(report.kept).toEqual(["alice", "bob"]);
      expect(events).toContainEqual({ type: "kept", key: "alice", reason: "public_key_mismatch" });
      expect(events.find((e) => e.key === "bob")).toMatchObject({ reason: "decrypt_failed" });
      expect(await spec.table.get(t.storage.state, "alice")).toBeDefined();
    });

    it("refuses to persist a record whose secret does not derive its public key", async () => {
      t = await open();
      const record = { user: "x", secretName: "s", publicKey: "00".repeat(32), intent: "i" };
      await expect(
        persistWithSecret(t.storage, spec, "x", record, Secret.from(randomBytes(32))),
      ).rejects.toBeInstanceOf(RangeError);
      expect(await t.storage.secrets.has("test.dkg", "s")).toBe(false);
    });
  });
}
