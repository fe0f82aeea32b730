// Secret hygiene of delegates on both backends: after sessions, secrets, a migration and a fired action, no
// state row (nor any row outside its sealed column) holds a session seed or a delegate secret, raw or hex.
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { Delegates } from "../src/delegates/delegates.js";
import { TABLES } from "../src/delegates/records.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

let t: TestStorage | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Runs the delegates workload and returns every secret value it stored (as Buffers). */
async function workload(storage: TestStorage["storage"]): Promise<Buffer[]> {
  let now = Date.now();
  const d = new Delegates({ storage, audit: recordingAudit(), now: () => now });
  const app = newAppKey();
  await d.apps.register("wallet", app.publicKey);
  const v = await registerVersions(d, app, "wallet", [1, 2]);
  const values: Buffer[] = [];
  for (let i = 0; i < 5; i++) {
    const bytes = randomBytes(32);
    values.push(Buffer.from(bytes));
    await d.secrets.put(v.get(1)!, `k${i}`, Secret.from(bytes));
  }
  const s = await d.sessions.create(
    v.get(1)!,
    { messagePrefix: utf8("pay:"), maxUses: 2, expiresAt: now + 60_000 },
    [{ fireAt: now + 10, message: utf8("pay:x") }],
  );
  const record = await TABLES.session.get(storage.state, s.id);
  const seed = await storage.secrets.get(record!.secret.namespace, record!.secret.name);
  values.push(Buffer.from(seed!.expose()));
  const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
  await d.migrations.migrate(v.get(1)!, v.get(2)!, token);
  now += 10;
  expect(await d.sessions.runDue()).toHaveLength(1);
  values.push(Buffer.from(token));
  return values;
}

function assertClean(rows: Buffer[], values: Buffer[]): void {
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows)
    for (const v of values) {
      expect(row.includes(v)).toBe(false);
      expect(row.includes(Buffer.from(v.toString("hex")))).toBe(false);
      expect(row.includes(Buffer.from(v.toString("base64url")))).toBe(false);
    }
}

describe("no delegate secret outside the sealed column", () => {
  it("SQLite: kw_state and kw_log rows and the non-sealed columns of kw_secret", async () => {
    t = await openTestSqliteStorage();
    const values = await workload(t.storage);
    const db = new Database(t.dbUrl.slice("sqlite:".length), { readonly: true });
    try {
      const state = db.prepare("SELECT tbl, key, value FROM kw_state").all() as {
        tbl: string;
        key: string;
        value: Buffer;
      }[];
      const names = db.prepare("SELECT ns, name FROM kw_secret").all() as { ns: string; name: string }[];
      const log = db.prepare("SELECT value FROM kw_log").pluck().all() as Buffer[];
      assertClean(
        [
          ...log,
          ...state.map((r) => Buffer.concat([Buffer.from(`${r.tbl}\u0000${r.key}\u0000`), r.value])),
          ...names.map((r) => Buffer.from(`${r.ns}\u0000${r.name}`)),
        ],
        values,
      );
    } finally {
      db.close();
    }
  });

  it("PostgreSQL: kw_state and kw_log rows and the non-sealed columns of kw_secret", async () => {
    t = await openTestPostgresStorage();
    const values = await workload(t.storage);
    const url = new URL(t.dbUrl);
    const schema = url.searchParams.get("schema")!;
    url.searchParams.delete("schema");
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const state = await client.query(`SELECT tbl, key, value FROM "${schema}".kw_state`);
      const names = await client.query(`SELECT ns, name FROM "${schema}".kw_secret`);
      const log = await client.query(`SELECT value FROM "${schema}".kw_log`);
      assertClean(
        [
          ...log.rows.map((r: { value: Buffer }) => r.value),
          ...state.rows.map((r: { tbl: string; key: string; value: Buffer }) =>
            Buffer.concat([Buffer.from(`${r.tbl}\u0000${r.key}\u0000`), r.value]),
          ),
          ...names.rows.map((r: { ns: string; name: string }) => Buffer.from(`${r.ns}\u0000${r.name}`)),
        ],
        values,
      );
    } finally {
      await client.end();
    }
  });
});
