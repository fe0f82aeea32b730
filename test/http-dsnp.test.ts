// DSNP batch uploads over HTTP: a Parquet body validated for ?provider at ?at, Frequency's reading by default for
// providers imported from a Frequency dump, the verdicts as a download, and what is refused (not a DSNP batch,
// too large, wrong media type, unknown verdicts id).
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.js";
import { createLogger } from "../src/http/logging.js";
import { importFrequencyDump } from "../src/service/frequency-import.js";
import { createKeyward } from "../src/service/keyward.js";
import { openTestSqliteStorage } from "../src/store/testing.js";
import { startTestApp, type TestApp } from "./http-harness.js";

const FIX = join(import.meta.dirname, "fixtures");
const batch = (name: string) => readFileSync(join(FIX, "dsnp", name));
const PARQUET = "application/vnd.apache.parquet";
let t: TestApp;
let r: string;

beforeAll(async () => {
  t = await startTestApp();
  r = await t.token(["delegations:read"]);
  await importFrequencyDump(t.kw.delegations, {
    open: () => createReadStream(join(FIX, "frequency/seed-003-dump.ndjson")),
  });
});
afterAll(() => t.close());

const upload = (query: string, body: Buffer, contentType = PARQUET) =>
  t.request("POST", `/v1/delegations/validate/parquet?${query}`, { token: r, body, contentType });

describe("DSNP batches over HTTP", () => {
  it("validates an upload at the announcement block and serves its verdicts", async () => {
    const res = await upload("provider=1&at=400&intent=5", batch("pyarrow/broadcast.parquet"));
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      announcementType: 2,
      type: "Broadcast",
      provider: 1,
      at: 400,
      intent: 5,
      semantics: "frequency",
      rows: 6,
      authorized: 4,
      unauthorized: 1,
      invalid: 1,
    });
    expect(s.verdicts.href).toBe(`/v1/delegations/validations/${s.verdicts.id}/verdicts`);
    expect(Date.parse(s.verdicts.expiresAt)).toBeGreaterThan(Date.now());
    const v = await t.request("GET", s.verdicts.href, { token: r });
    expect(v.statusCode).toBe(200);
    expect(v.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const rows = v.body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ row: 1, fromId: 1234, verdict: "authorized", from: 100, revokedAt: 400 });
    const keyward = await upload(
      "provider=1&at=400&intent=5&semantics=keyward",
      batch("parquetjs/reply.parquet"),
    );
    expect(keyward.json()).toMatchObject({ type: "Reply", semantics: "keyward", authorized: 2 });
  });

  it("checks answer with Frequency's reading for an imported provider, keyward's on request", async () => {
    const check = async (query: string) =>
      (
        await t.request("GET", `/v1/delegations/check?delegator=1234&provider=1&scope=5&${query}`, {
          token: r,
        })
      ).json();
    expect(await check("at=400")).toEqual({
      authorized: true,
      interval: { from: 100, revokedAt: 400 },
      semantics: "frequency",
    });
    expect(await check("at=500")).toEqual({ authorized: false, interval: null, semantics: "frequency" });
    expect(await check("at=400&semantics=keyward")).toEqual({ authorized: false, interval: null });
    expect(await check("at=399&semantics=keyward")).toEqual({
      authorized: true,
      interval: { from: 100, until: 400 },
    });
    const bad = await t.request(
      "GET",
      "/v1/delegations/check?delegator=1&provider=1&scope=5&at=1&semantics=x",
      {
        token: r,
      },
    );
    expect(bad.statusCode).toBe(400);
  });

  it("refuses what is not a DSNP batch, naming why", async () => {
    const bad = await upload("provider=1&at=400", batch("bad/fromid-string.parquet"));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: "invalid_input" });
    expect(bad.json().error.message).toMatch(/column fromId must be UINT_64/);
    const text = await upload("provider=1&at=400", Buffer.from("delegator,provider\n"));
    expect(text.json().error.message).toMatch(/not a Parquet file/);
    const media = await upload("provider=1&at=400", batch("parquetjs/broadcast.parquet"), "text/plain");
    expect(media.statusCode).toBe(415);
    const noAt = await upload("provider=1", batch("parquetjs/broadcast.parquet"));
    expect(noAt.statusCode).toBe(400);
    const gone = await t.request("GET", "/v1/delegations/validations/AAAAAAAAAAAAAAAAAAAAAA/verdicts", {
      token: r,
    });
    expect(gone.statusCode).toBe(404);
  });

  it("refuses a body over the limit with 413, declared or streamed", async () => {
    const storage = (await openTestSqliteStorage()).storage;
    const kw = await createKeyward(storage);
    const app = await buildApp(kw, { bodyLimit: 2048, logger: createLogger({ level: "silent" }) });
    const token = (await kw.tokens.create({ scopes: ["delegations:read"], partition: null })).token;
    try {
      const send = (payload: Buffer | Readable, headers: Record<string, string> = {}) =>
        app.inject({
          method: "POST",
          url: "/v1/delegations/validate/parquet?provider=1&at=1",
          headers: { "content-type": PARQUET, authorization: `Bearer ${token}`, ...headers },
          payload,
        });
      const declared = await send(Buffer.alloc(4096));
      expect(declared.statusCode).toBe(413);
      expect(declared.json().error.code).toBe("payload_too_large");
      // No content-length (chunked): counted while streaming to disk.
      const streamed = await send(Readable.from([Buffer.alloc(1500), Buffer.alloc(1500)]));
      expect(streamed.statusCode).toBe(413);
      expect((await send(batch("parquetjs/broadcast.parquet"))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
