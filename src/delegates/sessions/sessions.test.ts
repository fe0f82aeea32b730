// Sessions on a real sealed SQLite file: no secret in state bytes, policy, rehydration outcomes, exactly-once firing.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hexToBytes, utf8 } from "../../crypto/bytes.js";
import { ed25519Verify } from "../../crypto/ed25519.js";
import type { KeywardError } from "../../errors/keyward-error.js";
import type { Storage } from "../../store/ports.js";
import { openTestSqliteStorage, type TestStorage } from "../../store/testing.js";
import { Delegates } from "../delegates.js";
import { TABLES } from "../records.js";
import { newAppKey, recordedEvents, recordingAudit, registerVersions } from "../test-support.js";
import type { SessionKeys } from "./session-keys.js";

let t: TestStorage;
let now: number;
let d: Delegates;
let v: Map<number, string>;

const make = (storage: Storage, keys?: SessionKeys) =>
  new Delegates({ storage, audit: recordingAudit(), now: () => now, ...(keys ? { sessionKeys: keys } : {}) });
const policy = (over: Partial<{ messagePrefix: Uint8Array; maxUses: number; expiresAt: number }> = {}) => ({
  messagePrefix: utf8("pay:"),
  maxUses: 2,
  expiresAt: now + 3_600_000,
  ...over,
});

beforeEach(async () => {
  t = await openTestSqliteStorage();
  now = Date.UTC(2026, 0, 1);
  d = make(t.storage);
  const app = newAppKey();
  await d.apps.register("wallet", app.publicKey);
  v = await registerVersions(d, app, "wallet", [1, 2]);
});
afterEach(async () => {
  await t.cleanup();
});

describe("persisted sessions", () => {
  it("keeps only a reference and the public key in state: the seed is nowhere in the database bytes", async () => {
    const s = await d.sessions.create(v.get(1)!, policy(), [{ fireAt: now + 1000, message: utf8("pay:1") }]);
    const record = await TABLES.session.get(t.storage.state, s.id);
    expect(record?.secret.name).toBe(`keyward.session.${s.id}`);
    const seed = await t.storage.secrets.get(record!.secret.namespace, record!.secret.name);
    const raw = Buffer.from(seed!.expose());
    const hex = raw.toString("hex");
    const files = [t.dbUrl.slice("sqlite:".length), `${t.dbUrl.slice("sqlite:".length)}-wal`];
    for (const f of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(raw)).toBe(false);
      expect(bytes.includes(Buffer.from(hex))).toBe(false);
      expect(bytes.includes(Buffer.from(raw.toString("base64")))).toBe(false);
    }
    expect(JSON.stringify(record)).not.toContain(hex);
    // The user-facing secret API neither lists nor reveals session seeds.
    expect(await d.secrets.list(v.get(1)!)).toEqual([]);
    await expect(d.secrets.get(v.get(1)!, record!.secret.name)).rejects.toThrow(RangeError);
  });

  it("signs under the policy: prefix, maximum uses, expiry", async () => {
    const s = await d.sessions.create(v.get(1)!, policy());
    const sig = await d.sessions.sign(s.id, utf8("pay:alice"));
    expect(ed25519Verify(hexToBytes(s.publicKey), utf8("pay:alice"), sig)).toBe(true);
    const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as KeywardError).code;
    expect(await code(d.sessions.sign(s.id, utf8("steal:all")))).toBe("forbidden");
    await d.sessions.sign(s.id, utf8("pay:bob"));
    expect(await code(d.sessions.sign(s.id, utf8("pay:carol")))).toBe("forbidden");
    const s2 = await d.sessions.create(v.get(1)!, policy());
    now += 3_600_000;
    expect(await code(d.sessions.sign(s2.id, utf8("pay:x")))).toBe("expired");
  });
});

describe("rehydration", () => {
  it("loads sessions whose key checks out, drops a missing secret with an event, keeps on I/O errors", async () => {
    const ok = await d.sessions.create(v.get(1)!, policy());
    const gone = await d.sessions.create(v.get(1)!, policy(), [{ fireAt: now, message: utf8("pay:1") }]);
    const goneRecord = await TABLES.session.get(t.storage.state, gone.id);
    await t.storage.secrets.delete(goneRecord!.secret.namespace, goneRecord!.secret.name);
    const report = await make(t.storage).sessions.rehydrate();
    expect(report.loaded).toEqual([ok.id]);
    expect(report.dropped).toEqual([{ id: gone.id, reason: "secret_missing" }]);
    expect(await TABLES.session.get(t.storage.state, gone.id)).toBeUndefined();
    expect((await d.sessions.list()).map((s) => s.id)).toEqual([ok.id]);
    const dropped = (await recordedEvents(t.storage)).filter((e) => e.kind === "delegate.session.dropped");
    expect(dropped).toEqual([
      {
        kind: "delegate.session.dropped",
        subject: `session:${gone.id}`,
        data: { delegate: v.get(1), reason: "secret_missing", droppedActions: 1 },
      },
    ]);

    // Fault injection over the real store: reading secrets fails (e.g. the database is unreachable).
    const real = t.storage;
    const broken: Storage = {
      backend: real.backend,
      state: real.state,
      log: real.log,
      transaction: (fn) => real.transaction(fn),
      close: () => real.close(),
      secrets: {
        get: async () => {
          throw new Error("disk on fire");
        },
        has: (ns, name) => real.secrets.has(ns, name),
        list: (ns, prefix) => real.secrets.list(ns, prefix),
        put: (ns, name, value) => real.secrets.put(ns, name, value),
        delete: (ns, name) => real.secrets.delete(ns, name),
      },
    };
    const kept = await make(broken).sessions.rehydrate();
    expect(kept).toEqual({ loaded: [], dropped: [], kept: [{ id: ok.id, reason: "io_error" }] });
    expect(await TABLES.session.get(t.storage.state, ok.id)).toBeDefined();
  });

  it("keeps (does not load) a session whose stored key does not match its public key", async () => {
    const s = await d.sessions.create(v.get(1)!, policy());
    const r = await TABLES.session.get(t.storage.state, s.id);
    await TABLES.session.put(t.storage.state, s.id, { ...r!, publicKey: "00".repeat(31) + "01" });
    const report = await make(t.storage).sessions.rehydrate();
    expect(report).toEqual({ loaded: [], dropped: [], kept: [{ id: s.id, reason: "public_key_mismatch" }] });
    expect(await TABLES.session.get(t.storage.state, s.id)).toBeDefined();
  });
});

describe("pending actions", () => {
  it("fire once when due, consume a use, and are claimed exactly once by racing runners", async () => {
    const s = await d.sessions.create(v.get(1)!, policy({ maxUses: 5 }), [
      { fireAt: now + 1000, message: utf8("pay:later") },
      { fireAt: now + 9000, message: utf8("pay:much-later") },
    ]);
    expect(await d.sessions.runDue()).toEqual([]);
    now += 1000;
    const runners = [make(t.storage), make(t.storage), make(t.storage)];
    const results = await Promise.all(runners.map((r) => r.sessions.runDue()));
    const fired = results.flat();
    expect(fired).toHaveLength(1);
    expect(ed25519Verify(hexToBytes(s.publicKey), utf8("pay:later"), hexToBytes(fired[0]!.signature!))).toBe(
      true,
    );
    expect(await d.sessions.runDue()).toEqual([]);
    const shown = await d.sessions.show(s.id);
    expect(shown.uses).toBe(1);
    expect(shown.pending).toHaveLength(1);
    expect(shown.fired.map((f) => f.id)).toEqual([fired[0]!.id]);
  });

  it("consumes an action the policy refuses when it fires (recorded, not retried)", async () => {
    const s = await d.sessions.create(v.get(1)!, policy({ maxUses: 1 }), [
      { fireAt: now + 1000, message: utf8("pay:x") },
    ]);
    await d.sessions.sign(s.id, utf8("pay:now")); // the only use goes before the action is due
    now += 1000;
    const [f] = await d.sessions.runDue();
    expect(f).toMatchObject({ session: s.id, refused: "max-uses", fireAt: new Date(now).toISOString() });
    expect(await d.sessions.runDue()).toEqual([]);
  });

  it("refuses, when scheduled, an action the policy could never sign (wrong prefix, due after expiry)", async () => {
    const expiresAt = now + 500;
    const late = d.sessions.create(v.get(1)!, policy({ expiresAt }), [
      { fireAt: now + 1000, message: utf8("pay:x") },
    ]);
    await expect(late).rejects.toMatchObject({ code: "forbidden", message: /actions\[0\]\.fireAt .*expiry/ });
    const s = await d.sessions.create(v.get(1)!, policy({ expiresAt }));
    await expect(
      d.sessions.schedule(s.id, { fireAt: now + 10, message: utf8("steal:x") }),
    ).rejects.toMatchObject({
      code: "forbidden",
      message: /action\.message does not start with the session's message prefix/,
    });
    await expect(
      d.sessions.schedule(s.id, { fireAt: expiresAt, message: utf8("pay:x") }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    expect((await d.sessions.show(s.id)).pending).toEqual([]);
    expect((await d.sessions.show(s.id)).policy.expiresAt).toBe(new Date(expiresAt).toISOString());
  });

  it("follow their delegate through a migration (seed and record move together)", async () => {
    const s = await d.sessions.create(v.get(1)!, policy(), [{ fireAt: now + 10, message: utf8("pay:m") }]);
    const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
    expect((await d.migrations.migrate(v.get(1)!, v.get(2)!, token)).moved).toBe(1);
    const fresh = make(t.storage);
    expect((await fresh.sessions.rehydrate()).loaded).toEqual([s.id]);
    expect((await fresh.sessions.list(v.get(2)!)).map((x) => x.id)).toEqual([s.id]);
    expect(await fresh.sessions.list(v.get(1)!)).toEqual([]);
    now += 10;
    const [f] = await fresh.sessions.runDue();
    expect(ed25519Verify(hexToBytes(s.publicKey), utf8("pay:m"), hexToBytes(f!.signature!))).toBe(true);
  });
});
