// HTTP routes of the delegates domain: apps, certified versions, secrets, single-use migration, sessions.
import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCertificate } from "../src/delegates/certificate.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
let token: string;
const secretValues = ["delegate secret 0123456789abcdef"];
const appKey = newAppKey();
const cert = (v: number) => formatCertificate(certifyVersion(appKey, "chat", v));

beforeAll(async () => {
  t = await startTestApp();
  token = await t.token(["delegates:read", "delegates:write", "delegates:secrets", "delegates:migrate"]);
});
afterAll(async () => {
  const logs = t.logs.join("");
  for (const form of leakForms([...t.issued, ...secretValues])) expect(logs).not.toContain(form);
  await t.close();
});

describe("delegates over HTTP", () => {
  let v1 = "";
  let v3 = "";
  it("registers an app and certified versions", async () => {
    const app = await t.request("POST", "/v1/apps", { token, body: { name: "chat", publicKey: appKey.hex } });
    expect(app.statusCode).toBe(201);
    expect(app.json()).toMatchObject({ name: "chat", publicKey: appKey.hex, sequence: 0 });
    const r1 = await t.request("POST", "/v1/delegates", { token, body: { certificate: cert(1) } });
    const r3 = await t.request("POST", "/v1/delegates", { token, body: { certificate: cert(3) } });
    expect(r1.statusCode).toBe(201);
    v1 = r1.json().delegateKey;
    v3 = r3.json().delegateKey;
    expect(r3.json()).toMatchObject({ app: "chat", version: 3 });
    const list = await t.request("GET", "/v1/apps/chat/versions", { token });
    expect(list.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 3]);
    const same = await t.request("POST", "/v1/delegates", { token, body: { certificate: cert(1) } });
    expect(same.json().delegateKey).toBe(v1);
    const clash = formatCertificate(certifyVersion(appKey, "other code", 1));
    const dup = await t.request("POST", "/v1/delegates", { token, body: { certificate: clash } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("already_exists");
    const bad = await t.request("POST", "/v1/delegates", { token, body: { certificate: "{}" } });
    expect(bad.statusCode).toBe(400);
  });

  it("stores a secret, migrates v1 → v3 once; the replay names the first migration", async () => {
    const put = await t.request("PUT", `/v1/delegates/${v1}/secrets/room-key`, {
      token,
      body: { value: secretValues[0], encoding: "utf8" },
    });
    expect(put.statusCode).toBe(200);
    const issued = await t.request("POST", `/v1/delegates/${v1}/migration-tokens`, {
      token,
      body: { to: v3 },
    });
    expect(issued.statusCode).toBe(201);
    const mt = issued.json().token as string;
    t.issued.push(mt);
    const mig = await t.request("POST", `/v1/delegates/${v1}/migrate`, {
      token,
      body: { to: v3, token: mt },
    });
    expect(mig.statusCode).toBe(200);
    expect(mig.json()).toMatchObject({ from: v1, to: v3, fromVersion: 1, toVersion: 3, moved: 1 });
    const again = await t.request("POST", `/v1/delegates/${v1}/migrate`, {
      token,
      body: { to: v3, token: mt },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("token_used");
    expect(again.json().error.message).toContain(mig.json().id);
    const moved = await t.request("GET", `/v1/delegates/${v3}/secrets/room-key?encoding=utf8`, { token });
    expect(moved.json().value).toBe(secretValues[0]);
    const status = await t.request("GET", `/v1/delegates/${v1}`, { token });
    expect(status.json().migratedTo).toMatchObject({ to: v3 });
    const oldWrite = await t.request("PUT", `/v1/delegates/${v1}/secrets/x`, {
      token,
      body: { value: "AA" },
    });
    expect(oldWrite.json().error.code).toBe("migrated");
  });

  it("sessions sign under their policy; the signature verifies independently (node:crypto SPKI)", async () => {
    const created = await t.request("POST", `/v1/delegates/${v3}/sessions`, {
      token,
      body: { policy: { messagePrefix: "7061793a", maxUses: 1, expiresAt: Date.now() + 60_000 } },
    });
    expect(created.statusCode).toBe(201);
    const session = created.json();
    const message = Buffer.from("pay:42");
    const signed = await t.request("POST", `/v1/sessions/${session.id}/sign`, {
      token,
      body: { message: message.toString("hex") },
    });
    expect(signed.statusCode).toBe(200);
    const spki = Buffer.concat([
      Buffer.from("302a300506032b6570032100", "hex"),
      Buffer.from(session.publicKey, "hex"),
    ]);
    const pub = createPublicKey({ key: spki, format: "der", type: "spki" });
    expect(verify(null, message, pub, Buffer.from(signed.json().signature, "hex"))).toBe(true);
    const twice = await t.request("POST", `/v1/sessions/${session.id}/sign`, {
      token,
      body: { message: message.toString("hex") },
    });
    expect(twice.statusCode).toBe(403);
    const wrongPrefix = await t.request("POST", `/v1/delegates/${v3}/sessions`, {
      token,
      body: { policy: { messagePrefix: "zz", maxUses: 1, expiresAt: 1 } },
    });
    expect(wrongPrefix.json().error.message).toBe("body.policy.messagePrefix has an invalid format");
  });

  it("the read scope cannot reveal delegate secrets", async () => {
    const reader = await t.token(["delegates:read"]);
    const res = await t.request("GET", `/v1/delegates/${"0".repeat(64)}/secrets/room-key`, { token: reader });
    expect(res.statusCode).toBe(403);
  });
});
