// Honest failure modes (issue #23): a refused request commits nothing, a partition-bound token learns nothing
// about other partitions' rooms, and no error message echoes a value the caller submitted.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireSqlite, releaseSqlite } from "../src/store/sqlite/connection.js";
import { FIXTURE_PARTITION, type FixtureState, prepareFixtures } from "./http-fixture-state.js";
import { startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
let f: FixtureState;
let watcher: Database.Database;

beforeAll(async () => {
  t = await startTestApp();
  f = await prepareFixtures(t);
  watcher = new Database(t.dbPath, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  watcher.close();
  await t.close();
});

const dataVersion = (): number => watcher.pragma("data_version", { simple: true }) as number;
const MARK = "SECRET-IN-URL-123";

describe("a refused request commits nothing", () => {
  it("DELETE of a delegate secret that does not exist answers 404 and writes no row", async () => {
    const before = dataVersion();
    const res = await t.request("DELETE", `/v1/delegates/${f.v1}/secrets/no-such-secret`, {
      token: t.adminToken,
    });
    expect(res.statusCode).toBe(404);
    expect(dataVersion()).toBe(before);
  });

  it("DELETE of an existing delegate secret still deletes it", async () => {
    const del = await t.request("DELETE", `/v1/delegates/${f.v2}/secrets/fixture-secret`, {
      token: t.adminToken,
    });
    expect(del.statusCode).toBe(200);
    const again = await t.request("GET", `/v1/delegates/${f.v2}/secrets/fixture-secret`, {
      token: t.adminToken,
    });
    expect(again.statusCode).toBe(404);
  });
});

describe("a partition-bound token learns nothing about other partitions", () => {
  it("another tenant's room and a room that does not exist answer the same way", async () => {
    await t.kw.custody.createPartition("other-tenant");
    const bound = await t.token(["rooms:read", "rooms:write"], "other-tenant");
    const theirs = await t.request("GET", `/v1/rooms/${f.room}`, { token: bound });
    const missing = await t.request("GET", `/v1/rooms/${"ab".repeat(32)}`, { token: bound });
    const byName = await t.request("GET", "/v1/rooms/team", { token: bound });
    for (const res of [theirs, missing, byName]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(missing.json());
    }
    expect(theirs.body).not.toContain(FIXTURE_PARTITION);
    // The owner's partition still reads its own room.
    const own = await t.token(["rooms:read"], FIXTURE_PARTITION);
    expect((await t.request("GET", `/v1/rooms/${f.room}`, { token: own })).statusCode).toBe(200);
  });
});

describe("no error echoes a submitted value", () => {
  it("names the field, never its content", async () => {
    const attempts = [
      await t.request("GET", `/v1/sessions/${MARK}`, { token: t.adminToken }),
      await t.request("POST", "/v1/tokens", { token: t.adminToken, body: { scopes: ["admin"], [MARK]: 1 } }),
      await t.request("GET", `/v1/rooms/${encodeURIComponent(`<b>${MARK}</b>`)}`, { token: t.adminToken }),
      await t.request("POST", "/v1/rooms", {
        token: t.adminToken,
        body: { name: "team", seed: "11".repeat(32) },
      }),
      await t.request("GET", `/v1/apps/${MARK}`, { token: t.adminToken }),
      await t.request("DELETE", `/v1/tokens/${MARK}`, { token: t.adminToken }),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.body).not.toContain(MARK);
      expect(res.body).not.toContain("<b>");
    }
    expect(attempts[1]!.json().error.message).toBe("body has an unknown field");
  });
});

describe("secret values are stored as sent or refused", () => {
  it("a UTF-8 value with a lone surrogate is refused, not changed to U+FFFD", async () => {
    for (const value of ["a\uD800b", "\uDC00", "end\uDBFF"]) {
      const res = await t.request("PUT", "/v1/secrets/lone", {
        token: t.adminToken,
        body: { value, encoding: "utf8" },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/^body\.value: not valid Unicode text/);
    }
    expect((await t.request("GET", "/v1/secrets/lone", { token: t.adminToken })).statusCode).toBe(404);
    const pair = await t.request("PUT", "/v1/secrets/lone", {
      token: t.adminToken,
      body: { value: "ok \uD83D\uDE00", encoding: "utf8" },
    });
    expect(pair.statusCode).toBe(200);
    const back = await t.request("GET", "/v1/secrets/lone?encoding=utf8", { token: t.adminToken });
    expect(back.json().value).toBe("ok \uD83D\uDE00");
  });
});

describe("a full disk", () => {
  it("writes answer 503 with Retry-After and /healthz reports not ready until a write succeeds again", async () => {
    const shared = acquireSqlite(t.dbPath); // the app's own connection (one per file per process)
    try {
      const pages = shared.db.pragma("page_count", { simple: true }) as number;
      shared.db.pragma(`max_page_count = ${pages}`); // SQLite's quota: SQLITE_FULL, as on a full disk
      const value = "A".repeat(200_000);
      const put = await t.request("PUT", "/v1/secrets/big", { token: t.adminToken, body: { value } });
      expect(put.statusCode).toBe(503);
      expect(put.headers["retry-after"]).toBe("1");
      expect(put.json().error).toEqual({
        code: "unavailable",
        message: "the database cannot be written: the disk is full",
      });
      const health = await t.request("GET", "/healthz");
      expect(health.statusCode).toBe(503);
      expect(health.json().ready).toBe(false);
      shared.db.pragma("max_page_count = 1073741823");
      const again = await t.request("PUT", "/v1/secrets/big", { token: t.adminToken, body: { value } });
      expect(again.statusCode).toBe(200);
      expect((await t.request("GET", "/healthz")).statusCode).toBe(200);
    } finally {
      await releaseSqlite(shared);
    }
  });
});
