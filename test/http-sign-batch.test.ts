// POST …/sign-batch over the in-process app: signatures checked by node:crypto, scopes, bounds, audit actors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeVerifyEd25519 } from "./custody-helpers.js";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const admin = await t.token(["custody:admin"]);
  expect(
    (await t.request("POST", "/v1/partitions", { token: admin, body: { name: "batch" } })).statusCode,
  ).toBe(201);
});
afterAll(async () => {
  for (const form of leakForms(t.issued)) expect(t.logs.join("")).not.toContain(form);
  await t.close();
});

const url = "/v1/partitions/batch/identities/user:dana/sign-batch";

describe("sign-batch route", () => {
  it("signs every message in order; each signature verifies; one audit entry per message names the token", async () => {
    const signer = await t.token(["custody:sign"], "batch");
    const messages = Array.from({ length: 10 }, (_, i) => Buffer.from(`batch message ${i}`));
    const before = (await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json().entries;
    const res = await t.request("POST", url, {
      token: signer,
      body: { messages: messages.map((m) => m.toString("base64url")), encoding: "base64url" },
    });
    expect(res.statusCode).toBe(200);
    const { signatures } = res.json() as { signatures: { signature: string; publicKey: string }[] };
    expect(signatures).toHaveLength(10);
    for (const [i, s] of signatures.entries())
      expect(nodeVerifyEd25519(s.publicKey, messages[i]!, s.signature)).toBe(true);
    const hex = (s: string) => Buffer.from(s).toString("hex");
    const signs: string[] = [];
    for await (const e of t.kw.audit.entries())
      if (e.seq > before && e.body.includes(hex("custody.sign"))) signs.push(e.body);
    expect(signs).toHaveLength(10);
    expect(signs.every((b) => b.includes(hex(`token:${signer.split("_")[1]}`)))).toBe(true);
    expect((await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json().ok).toBe(true);
  });

  it("refuses an empty batch, more than 256 messages, a bad message by index and a read-only token", async () => {
    const signer = await t.token(["custody:sign"], "batch");
    const empty = await t.request("POST", url, { token: signer, body: { messages: [] } });
    expect(empty.statusCode).toBe(400);
    const tooMany = await t.request("POST", url, {
      token: signer,
      body: { messages: Array(257).fill("00") },
    });
    expect(tooMany.statusCode).toBe(400);
    const bad = await t.request("POST", url, { token: signer, body: { messages: ["00", "zz"] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("body.messages[1]");
    const digest = await t.request("POST", url, {
      token: signer,
      body: { messages: ["00".repeat(32), "00".repeat(31)], scheme: "secp256k1" },
    });
    expect(digest.statusCode).toBe(400);
    const reader = await t.token(["custody:read"], "batch");
    expect((await t.request("POST", url, { token: reader, body: { messages: ["00"] } })).statusCode).toBe(
      403,
    );
    const other = await t.token(["custody:sign"], "elsewhere");
    expect((await t.request("POST", url, { token: other, body: { messages: ["00"] } })).statusCode).toBe(403);
  });

  it("is listed in the OpenAPI document with its scope and bound", async () => {
    const doc = (await t.request("GET", "/openapi.json")).json();
    const op = doc.paths["/v1/partitions/{partition}/identities/{identity}/sign-batch"].post;
    expect(op["x-keyward-scope"]).toBe("custody:sign");
    expect(op.requestBody.content["application/json"].schema.properties.messages.maxItems).toBe(256);
  });
});
