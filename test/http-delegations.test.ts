// HTTP routes of the delegations domain: seed 003's lifecycle over the wire, batches, import, validation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
let w: string;
let r: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await t.token(["delegations:write"]);
  r = await t.token(["delegations:read"]);
});
afterAll(() => t.close());

const check = async (d: number, p: string, s: number, at: number) =>
  (
    await t.request("GET", `/v1/delegations/check?delegator=${d}&provider=${p}&scope=${s}&at=${at}`, {
      token: r,
    })
  ).json();

describe("delegations over HTTP", () => {
  it("grant, revoke, re-grant: exact answers in the gap and before the first grant", async () => {
    const g1 = await t.request("POST", "/v1/delegations/grant", {
      token: w,
      body: { delegator: 1234, provider: "A", scopes: [1], at: 100, id: "g1" },
    });
    expect(g1.json()).toEqual({ status: "applied", seq: 1 });
    const replay = await t.request("POST", "/v1/delegations/grant", {
      token: w,
      body: { delegator: 1234, provider: "A", scopes: [1], at: 100, id: "g1" },
    });
    expect(replay.json()).toEqual({ status: "duplicate", seq: 1 });
    await t.request("POST", "/v1/delegations/revoke", {
      token: w,
      body: { delegator: 1234, provider: "A", at: 200 },
    });
    await t.request("POST", "/v1/delegations/grant", {
      token: w,
      body: { delegator: 1234, provider: "A", scopes: [1], at: 300 },
    });
    expect(await check(1234, "A", 1, 50)).toEqual({ authorized: false, interval: null });
    expect(await check(1234, "A", 1, 150)).toEqual({ authorized: true, interval: { from: 100, until: 200 } });
    expect(await check(1234, "A", 1, 250)).toEqual({ authorized: false, interval: null });
    expect(await check(1234, "A", 1, 350)).toEqual({
      authorized: true,
      interval: { from: 300, until: null },
    });
    const cmp = await t.request("GET", "/v1/delegations/compare?delegator=1234&provider=A&scope=1&at=150", {
      token: r,
    });
    expect(cmp.json().compact.verdict).toBe("needs-history");
    const hist = await t.request("GET", "/v1/delegations/history?delegator=1234&provider=A", { token: r });
    expect(hist.json().histories[0].intervals).toEqual([
      { from: 100, until: 200 },
      { from: 300, until: null },
    ]);
  });

  it("an out-of-order event is refused with 409 and nothing is written", async () => {
    const res = await t.request("POST", "/v1/delegations/grant", {
      token: w,
      body: { delegator: 1234, provider: "A", scopes: [1], at: 10 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("conflict");
  });

  it("event batches are all or nothing", async () => {
    const bad = await t.request("POST", "/v1/delegations/events", {
      token: w,
      body: {
        events: [
          { op: "grant", delegator: 1, provider: "B", scopes: [5], at: 10 },
          { op: "grant", delegator: 1, provider: "B", scopes: [5], at: 5 },
        ],
      },
    });
    expect(bad.statusCode).toBe(409);
    expect(await check(1, "B", 5, 10)).toEqual({ authorized: false, interval: null });
  });

  it("imports NDJSON and validates CSV and NDJSON rows, with per-row verdicts on request", async () => {
    const ndjson = [
      { op: "grant", delegator: 77, provider: "P", scopes: [9], at: 10, expiresAt: 20 },
      { op: "grant", delegator: 78, provider: "P", scopes: [9], at: 10 },
    ]
      .map((e) => JSON.stringify(e))
      .join("\n");
    const imp = await t.request("POST", "/v1/delegations/import", {
      token: w,
      body: ndjson,
      contentType: "application/x-ndjson",
    });
    expect(imp.json()).toMatchObject({ events: 2, applied: 2 });
    const badImport = await t.request("POST", "/v1/delegations/import", {
      token: w,
      body: '{"op":"grant"}\n',
      contentType: "application/x-ndjson",
    });
    expect(badImport.statusCode).toBe(400);
    const csv = "delegator,provider,scope,at\n77,P,9,19\n77,P,9,20\nx,P,9,-1\n";
    const sum = await t.request("POST", "/v1/delegations/validate", {
      token: r,
      body: csv,
      contentType: "text/csv",
    });
    expect(sum.json()).toEqual({ rows: 3, authorized: 1, unauthorized: 1, invalid: 1 });
    const rows = '{"delegator":78,"provider":"P","scope":9,"at":11}\n';
    const verdicts = await t.request("POST", "/v1/delegations/validate?verdicts=true", {
      token: r,
      body: rows,
      contentType: "application/x-ndjson",
    });
    expect(verdicts.headers["content-type"]).toContain("application/x-ndjson");
    expect(
      verdicts.body
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { line: 1, verdict: "authorized", from: 10, until: null },
      { summary: { rows: 1, authorized: 1, unauthorized: 0, invalid: 0 } },
    ]);
    const json = await t.request("POST", "/v1/delegations/validate", { token: r, body: { rows: [] } });
    expect(json.statusCode).toBe(415);
  });

  it("checkpoint, proof, stand-alone verification; a tampered proof verifies false", async () => {
    const cp = await t.request("POST", "/v1/delegations/checkpoint", { token: w });
    expect(cp.statusCode).toBe(200);
    const { publicKey } = cp.json();
    const file = (
      await t.request("GET", "/v1/delegations/proof?delegator=1234&provider=A&scope=1", { token: r })
    ).json();
    expect(file.checkpoint.seq).toBe(cp.json().seq);
    const ok = await t.request("POST", "/v1/delegations/verify", {
      token: r,
      body: { ...file, publicKey, at: 150 },
    });
    expect(ok.json()).toMatchObject({ valid: true, result: { authorized: true } });
    const intervals = file.proof.intervals as [number, number | null][];
    const tampered = {
      ...file,
      proof: { ...file.proof, intervals: [[intervals[0]![0] - 1, intervals[0]![1]], ...intervals.slice(1)] },
    };
    const bad = await t.request("POST", "/v1/delegations/verify", {
      token: r,
      body: { ...tampered, publicKey, at: 150 },
    });
    expect(bad.json()).toEqual({ valid: false });
    const malformed = await t.request("POST", "/v1/delegations/verify", {
      token: r,
      body: { ...file, proof: { ...file.proof, intervals: [{}] }, publicKey, at: 150 },
    });
    expect(malformed.statusCode).toBe(400);
    // A key never granted: the proof route answers with a proof of absence, which verifies.
    const absent = (
      await t.request("GET", "/v1/delegations/proof?delegator=424242&provider=A&scope=1", { token: r })
    ).json();
    expect(absent.proof).toMatchObject({ absent: true, delegator: 424242 });
    const none = await t.request("POST", "/v1/delegations/verify", {
      token: r,
      body: { ...absent, publicKey, at: 150 },
    });
    expect(none.json()).toMatchObject({ valid: true, result: { authorized: false, absent: true } });
  });
});
