// HTTP surface of the WebAssembly host: register River's V28 with its module, call it, refusals by code.
import { readFileSync } from "node:fs";
import { decode as cborDecode } from "cbor2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64url, bytesToHex, utf8 } from "../src/crypto/bytes.js";
import { certifyDelegate, formatCertificate } from "../src/delegates/certificate.js";
import { newAppKey } from "../src/delegates/test-support.js";
import { encodeChatRequest } from "../src/interop/river-chat/chat-messages.js";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";
import { LOOP_FOREVER, UNKNOWN_IMPORT } from "./wasm/hostile.js";
import { wat } from "./wasm/wat.js";

const V28 = new Uint8Array(readFileSync("test/fixtures/river/chat_delegate_V28.wasm"));
const ORIGIN = "c3".repeat(32);
const appKey = newAppKey();
let t: TestApp;
let token: string;
let readOnly: string;
let key = "";

beforeAll(async () => {
  t = await startTestApp();
  token = await t.token(["delegates:read", "delegates:write", "delegates:secrets", "delegates:migrate"]);
  readOnly = await t.token(["delegates:read"]);
  await t.request("POST", "/v1/apps", { token, body: { name: "river", publicKey: appKey.hex } });
});
afterAll(async () => {
  const logs = t.logs.join("");
  for (const form of leakForms([...t.issued, "http secret value"])) expect(logs).not.toContain(form);
  await t.close();
});

const call = (payload: Uint8Array, origin: string | undefined = ORIGIN, tok = token) =>
  t.request("POST", `/v1/delegates/${key}/call`, {
    token: tok,
    body: { ...(origin ? { origin } : {}), payload: bytesToBase64url(payload) },
  });

describe("POST /v1/delegates/:key/call", () => {
  it("registers a version with its module (base64url) and runs River's code", async () => {
    const cert = formatCertificate(certifyDelegate(appKey.seed, V28, new Uint8Array(0), 28));
    const r = await t.request("POST", "/v1/delegates", {
      token,
      body: { certificate: cert, wasm: bytesToBase64url(V28) },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ app: "river", version: 28, module: { bytes: V28.length } });
    key = r.json().delegateKey;
    const stored = await call(
      encodeChatRequest({ type: "StoreRequest", key: utf8("k"), value: utf8("http secret value") }),
    );
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ delegateKey: key, secretsWritten: 2 });
    const got = await call(encodeChatRequest({ type: "GetRequest", key: utf8("k") }));
    const m = got.json().messages[0];
    expect(m.type).toBe("ApplicationMessage");
    const reply = cborDecode(Buffer.from(m.payload, "hex")) as { GetResponse: { value: number[] } };
    expect(Buffer.from(reply.GetResponse.value).toString()).toBe("http secret value");
    expect(m.decoded).toEqual({
      GetResponse: { key: bytesToHex(utf8("k")), value: bytesToHex(utf8("http secret value")) },
    });
  });

  it("refuses by code: no origin (delegate_error), the read scope, a guarded namespace, a mismatching module", async () => {
    const noOrigin = await call(encodeChatRequest({ type: "ListRequest" }), "");
    expect(noOrigin.statusCode).toBe(422);
    expect(noOrigin.json().error.code).toBe("delegate_error");
    expect((await call(encodeChatRequest({ type: "ListRequest" }), ORIGIN, readOnly)).statusCode).toBe(403);
    const names: string[] = (await t.request("GET", `/v1/delegates/${key}/secrets`, { token })).json().names;
    expect(names.length).toBe(2);
    const read = await t.request(
      "GET",
      `/v1/delegates/${key}/secrets/${encodeURIComponent(names[0] ?? "")}`,
      { token },
    );
    expect(read.json().error.code).toBe("forbidden");
    const cert = formatCertificate(certifyDelegate(appKey.seed, utf8("other code"), new Uint8Array(0), 40));
    const mismatch = await t.request("POST", "/v1/delegates", {
      token,
      body: { certificate: cert, wasm: bytesToBase64url(V28) },
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe("code_mismatch");
    const evil = await wat(UNKNOWN_IMPORT);
    const evilCert = formatCertificate(certifyDelegate(appKey.seed, evil, new Uint8Array(0), 41));
    const refused = await t.request("POST", "/v1/delegates", {
      token,
      body: { certificate: evilCert, wasm: bytesToBase64url(evil) },
    });
    expect(refused.json().error).toMatchObject({
      code: "invalid_module",
      message: expect.stringContaining("env.now_ms"),
    });
    const bad = await t.request("POST", `/v1/delegates/${key}/call`, {
      token,
      body: { payload: "!!", origin: "zz" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("keeps serving while a module loops: the call fails with timeout after the budget, nothing written", async () => {
    const code = await wat(LOOP_FOREVER);
    const cert = formatCertificate(certifyDelegate(appKey.seed, code, new Uint8Array(0), 60));
    const reg = await t.request("POST", "/v1/delegates", {
      token,
      body: { certificate: cert, wasm: bytesToBase64url(code) },
    });
    const looping = reg.json().delegateKey as string;
    const started = Date.now();
    const pending = t.request("POST", `/v1/delegates/${looping}/call`, {
      token,
      body: { origin: ORIGIN, payload: "" },
    });
    await new Promise((r) => setTimeout(r, 300));
    const health = await t.request("GET", "/healthz");
    expect(health.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(4000); // answered while the module still spins
    const stored = await call(encodeChatRequest({ type: "GetRequest", key: utf8("k") }));
    expect(stored.statusCode).toBe(200); // River's delegate keeps serving too
    const r = await pending;
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe("module_failed");
    expect(r.json().error.message).toMatch(/timeout/);
    const names = (await t.request("GET", `/v1/delegates/${looping}/secrets`, { token })).json().names;
    expect(names).toEqual([]);
  });
});
