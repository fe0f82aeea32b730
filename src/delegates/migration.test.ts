// Migration rules end to end on a real sealed SQLite file: happy paths, every refusal code, replay after restart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "../../test/refusal.js";
import { bytesToHex, utf8 } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { openStorage } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { Delegates } from "./delegates.js";
import { delegateNamespace, TABLES } from "./records.js";
import { signRotation } from "./statements.js";
import {
  certifyVersion,
  newAppKey,
  recordedEvents,
  recordingAudit,
  registerVersions,
  type TestAppKey,
} from "./test-support.js";
import { tokenHash } from "./tokens.js";

let t: TestStorage;
let now: number;
let d: Delegates;
let app: TestAppKey;

const make = (storage: Storage) => new Delegates({ storage, audit: recordingAudit(), now: () => now });

/**
 * A token record written around the domain for a pair `issue` would refuse (as a token issued before a rule
 * held would be): `migrate` must still refuse it by the same rule.
 */
async function forgedToken(from: string, to: string): Promise<string> {
  const bytes = new Uint8Array(32).fill(from.charCodeAt(0) ^ to.charCodeAt(1));
  const hash = tokenHash(bytes);
  await TABLES.token.put(t.storage.state, hash, {
    id: hash.slice(0, 16),
    from,
    to,
    issuedAt: now,
    expiresAt: now + 60_000,
  });
  return `kwmt_${Buffer.from(bytes).toString("base64url")}`;
}

async function reveal(key: string, name: string): Promise<string> {
  const s = await d.secrets.get(key, name);
  if (!s) throw new Error(`missing ${name}`);
  return bytesToHex(s.expose());
}

beforeEach(async () => {
  t = await openTestSqliteStorage();
  now = Date.UTC(2026, 0, 1);
  d = make(t.storage);
  app = newAppKey();
  await d.apps.register("chat", app.publicKey);
});
afterEach(async () => {
  await t.cleanup();
});

describe("migration happy paths", () => {
  it("moves every secret v1 → v2 → v5 with exact bytes and tombstones each source", async () => {
    const v = await registerVersions(d, app, "chat", [1, 2, 5]);
    const values = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const bytes = utf8(`secret-${i}-${"x".repeat(i)}`);
      values.set(`room-${i}`, bytesToHex(bytes));
      await d.secrets.put(v.get(1)!, `room-${i}`, Secret.from(bytes));
    }
    const t12 = await d.tokens.issue(v.get(1)!, v.get(2)!, 60);
    const r12 = await d.migrations.migrate(v.get(1)!, v.get(2)!, t12.token);
    expect(r12).toMatchObject({
      from: v.get(1),
      to: v.get(2),
      fromVersion: 1,
      toVersion: 2,
      moved: 20,
      conflicts: [],
    });
    const t25 = await d.tokens.issue(v.get(2)!, v.get(5)!, 60);
    const r25 = await d.migrations.migrate(v.get(2)!, v.get(5)!, t25.token);
    expect(r25.moved).toBe(20);
    for (const [name, hex] of values) expect(await reveal(v.get(5)!, name)).toBe(hex);
    expect(await t.storage.secrets.list(delegateNamespace(v.get(1)!))).toEqual([]);
    expect(await t.storage.secrets.list(delegateNamespace(v.get(2)!))).toEqual([]);
    const s1 = await d.versions.status(v.get(1)!);
    expect(s1.migratedTo).toMatchObject({ to: v.get(2), migration: r12.id });
    expect((await d.versions.status(v.get(5)!)).secrets).toBe(20);
    const err = await refusal(d.secrets.get(v.get(1)!, "room-0"));
    expect(err.code).toBe("migrated");
    expect((await refusal(d.secrets.put(v.get(2)!, "late", Secret.from(utf8("x"))))).code).toBe("migrated");
    const kinds = (await recordedEvents(t.storage)).map((e) => e.kind);
    expect(kinds.filter((k) => k === "delegate.migrated")).toHaveLength(2);
  });

  it("jumps directly v1 → v7", async () => {
    const v = await registerVersions(d, app, "chat", [1, 7]);
    await d.secrets.put(v.get(1)!, "k", Secret.from(utf8("value")));
    const { token } = await d.tokens.issue(v.get(1)!, v.get(7)!);
    const r = await d.migrations.migrate(v.get(1)!, v.get(7)!, token);
    expect(r).toMatchObject({ fromVersion: 1, toVersion: 7, moved: 1 });
    expect(await reveal(v.get(7)!, "k")).toBe(bytesToHex(utf8("value")));
  });

  it("keeps the target's value when the target already holds a name (newer never loses to older)", async () => {
    const v = await registerVersions(d, app, "chat", [1, 2]);
    await d.secrets.put(v.get(1)!, "shared", Secret.from(utf8("old")));
    await d.secrets.put(v.get(1)!, "only-old", Secret.from(utf8("o")));
    await d.secrets.put(v.get(2)!, "shared", Secret.from(utf8("new")));
    const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
    const r = await d.migrations.migrate(v.get(1)!, v.get(2)!, token);
    expect(r.moved).toBe(1);
    expect(r.conflicts).toEqual(["shared"]);
    expect(await reveal(v.get(2)!, "shared")).toBe(bytesToHex(utf8("new")));
    expect(await reveal(v.get(2)!, "only-old")).toBe(bytesToHex(utf8("o")));
  });

  it("accepts versions certified before and after an app key rotation", async () => {
    const v1 = (await d.versions.register(certifyVersion(app, "chat", 1))).delegateKey;
    const next = newAppKey();
    const statement = { app: "chat", sequence: 1, previousKey: app.publicKey, newKey: next.publicKey };
    const info = await d.apps.rotateKey(statement, signRotation(app.seed, statement));
    expect(info).toMatchObject({ sequence: 1, publicKey: next.hex });
    // The retired key can no longer certify new versions; the current one can.
    expect((await refusal(d.versions.register(certifyVersion(app, "chat", 2)))).code).toBe(
      "invalid_certificate",
    );
    const v3 = (await d.versions.register(certifyVersion(next, "chat", 3))).delegateKey;
    await d.secrets.put(v1, "k", Secret.from(utf8("v")));
    const { token } = await d.tokens.issue(v1, v3);
    expect((await d.migrations.migrate(v1, v3, token)).moved).toBe(1);
  });
});

describe("app key rotation rules", () => {
  it("refuses a replayed sequence, a skipped sequence and a signature by the wrong key", async () => {
    const k1 = newAppKey();
    const s1 = { app: "chat", sequence: 1, previousKey: app.publicKey, newKey: k1.publicKey };
    const sig1 = signRotation(app.seed, s1);
    await d.apps.rotateKey(s1, sig1);
    expect((await refusal(d.apps.rotateKey(s1, sig1))).code).toBe("rollback");
    const k2 = newAppKey();
    const skip = { app: "chat", sequence: 3, previousKey: k1.publicKey, newKey: k2.publicKey };
    expect((await refusal(d.apps.rotateKey(skip, signRotation(k1.seed, skip)))).code).toBe("invalid_input");
    const forged = { app: "chat", sequence: 2, previousKey: k1.publicKey, newKey: k2.publicKey };
    const bad = signRotation(k2.seed, { ...forged, previousKey: k2.publicKey });
    expect((await refusal(d.apps.rotateKey(forged, bad))).code).toBe("invalid_signature");
    expect((await d.apps.get("chat")).sequence).toBe(1);
  });
});

describe("migration refusals", () => {
  it("wrong_app: versions of different apps", async () => {
    const other = newAppKey();
    await d.apps.register("mail", other.publicKey);
    const a1 = (await d.versions.register(certifyVersion(app, "chat", 1))).delegateKey;
    const b2 = (await d.versions.register(certifyVersion(other, "mail", 2))).delegateKey;
    expect((await refusal(d.tokens.issue(a1, b2))).code).toBe("wrong_app");
    const token = await forgedToken(a1, b2);
    expect((await refusal(d.migrations.migrate(a1, b2, token))).code).toBe("wrong_app");
  });

  it("rollback: target not newer than source", async () => {
    const v = await registerVersions(d, app, "chat", [3, 5]);
    // Refused when the token is asked for, so no token is handed out that migrate would refuse.
    expect((await refusal(d.tokens.issue(v.get(5)!, v.get(3)!))).code).toBe("rollback");
    const token = await forgedToken(v.get(5)!, v.get(3)!);
    const err = await refusal(d.migrations.migrate(v.get(5)!, v.get(3)!, token));
    expect(err.code).toBe("rollback");
  });

  it("revoked_target: the app revoked the target version (revoked sources may still migrate away)", async () => {
    const v = await registerVersions(d, app, "chat", [1, 2, 3]);
    // A token issued while the target was good, then the target revoked: migrate refuses it.
    const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
    await d.versions.revokeWithKey(v.get(2)!, "bad build", app.seed);
    await d.versions.revokeWithKey(v.get(1)!, "old", app.seed);
    expect((await refusal(d.tokens.issue(v.get(1)!, v.get(2)!))).code).toBe("revoked_target");
    expect((await refusal(d.migrations.migrate(v.get(1)!, v.get(2)!, token))).code).toBe("revoked_target");
    const ok = await d.tokens.issue(v.get(1)!, v.get(3)!);
    expect((await d.migrations.migrate(v.get(1)!, v.get(3)!, ok.token)).toVersion).toBe(3);
  });

  it("invalid_certificate: a version record forged around the domain", async () => {
    const v1 = (await d.versions.register(certifyVersion(app, "chat", 1))).delegateKey;
    const real = certifyVersion(app, "chat", 2);
    const forgedKey = bytesToHex(real.delegateKey);
    await TABLES.version.put(t.storage.state, forgedKey, {
      delegateKey: forgedKey,
      app: "chat",
      version: 9,
      codeHash: bytesToHex(real.codeHash),
      params: "",
      appKey: app.hex,
      signature: bytesToHex(real.signature),
      registeredAt: now,
    });
    expect((await refusal(d.tokens.issue(v1, forgedKey))).code).toBe("invalid_certificate");
    const token = await forgedToken(v1, forgedKey);
    expect((await refusal(d.migrations.migrate(v1, forgedKey, token))).code).toBe("invalid_certificate");
  });

  it("token_mismatch, token_expired, token_used (naming the migration), migrated", async () => {
    const v = await registerVersions(d, app, "chat", [1, 2, 3]);
    const [k1, k2, k3] = [v.get(1)!, v.get(2)!, v.get(3)!];
    const for13 = await d.tokens.issue(k1, k3);
    expect((await refusal(d.migrations.migrate(k1, k2, for13.token))).code).toBe("token_mismatch");
    const unknown = `kwmt_${Buffer.alloc(32, 7).toString("base64url")}`;
    expect((await refusal(d.migrations.migrate(k1, k2, unknown))).code).toBe("token_mismatch");
    const short = await d.tokens.issue(k1, k2, 5);
    now += 5000;
    expect((await refusal(d.migrations.migrate(k1, k2, short.token))).code).toBe("token_expired");
    const good = await d.tokens.issue(k1, k2, 60);
    const first = await d.migrations.migrate(k1, k2, good.token);
    const used = await refusal(d.migrations.migrate(k1, k2, good.token));
    expect(used.code).toBe("token_used");
    expect(used.message).toContain(first.id);
    expect(used.details).toEqual({ migration: first.id });
    // A second, fresh token for an already migrated source is refused too.
    expect((await refusal(d.migrations.migrate(k1, k3, for13.token))).code).toBe("migrated");
    expect((await refusal(d.tokens.issue(k1, k3))).code).toBe("migrated");
    // A malformed token is bad input, not a refusal.
    await expect(d.migrations.migrate(k1, k2, "kwmt_short")).rejects.toThrow(RangeError);
  });

  it("a refused migration writes nothing (no tombstone, no audit event, secrets in place)", async () => {
    const v = await registerVersions(d, app, "chat", [4, 2]);
    await d.secrets.put(v.get(4)!, "k", Secret.from(utf8("v")));
    const before = (await recordedEvents(t.storage)).length;
    expect((await refusal(d.tokens.issue(v.get(4)!, v.get(2)!))).code).toBe("rollback");
    expect((await recordedEvents(t.storage)).length).toBe(before); // a refused issue writes nothing
    const token = await forgedToken(v.get(4)!, v.get(2)!);
    await refusal(d.migrations.migrate(v.get(4)!, v.get(2)!, token));
    expect((await recordedEvents(t.storage)).length).toBe(before);
    expect((await d.versions.status(v.get(4)!)).migratedTo).toBeNull();
    expect(await d.secrets.list(v.get(4)!)).toEqual(["k"]);
  });
});

describe("replay across a restart", () => {
  it("refuses the same token after the storage is closed and reopened", async () => {
    const v = await registerVersions(d, app, "chat", [1, 2]);
    await d.secrets.put(v.get(1)!, "k", Secret.from(utf8("v")));
    const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
    const first = await d.migrations.migrate(v.get(1)!, v.get(2)!, token);
    await t.storage.close();
    const reopened = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const again = make(reopened);
      const err = await refusal(again.migrations.migrate(v.get(1)!, v.get(2)!, token));
      expect(err.code).toBe("token_used");
      expect(err.message).toContain(first.id);
      const s = await again.secrets.get(v.get(2)!, "k");
      expect(bytesToHex(s!.expose())).toBe(bytesToHex(utf8("v")));
    } finally {
      await reopened.close();
    }
  });
});
