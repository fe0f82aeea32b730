// In-process HTTP tests: error shape, auth, scopes, partition binding, OpenAPI, metrics, health, secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
const secretsWritten: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  // Logs of the whole file: no token, no secret value in any form.
  const all = t.logs.join("");
  for (const form of leakForms([...t.issued, ...secretsWritten])) expect(all).not.toContain(form);
  await t.close();
});

describe("public routes", () => {
  it("healthz reports live and ready with the backend", async () => {
    const res = await t.request("GET", "/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ live: true, ready: true, sealed: false, backend: "sqlite" });
  });

  it("serves an OpenAPI 3.1 document listing every route with its scope", async () => {
    const res = await t.request("GET", "/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/v1/secrets/{name}"].put["x-keyward-scope"]).toBe("secrets:write");
    expect(
      doc.paths["/v1/secrets/{name}"].put.requestBody.content["application/json"].schema.required,
    ).toEqual(["value"]);
    expect(doc.paths["/v1/tokens"].post.responses["4XX"].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/ErrorBody",
    );
    expect(doc.paths["/healthz"].get.security).toEqual([]);
  });

  it("unknown routes answer 404 in the one error shape", async () => {
    const res = await t.request("GET", "/v1/nope");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "not_found", message: "no such route for GET" } });
  });
});

describe("wrong methods and unexpected failures", () => {
  it("a path that exists with other methods answers 405 with Allow", async () => {
    const res = await t.request("DELETE", "/v1/tokens", { token: t.adminToken });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("GET, POST");
    expect(res.json()).toEqual({
      error: { code: "method_not_allowed", message: "DELETE is not allowed here (allowed: GET, POST)" },
    });
    const param = await t.request("PATCH", "/v1/secrets/some-name", { token: t.adminToken });
    expect(param.statusCode).toBe(405);
    expect(param.headers.allow).toMatch(/^DELETE, GET, PUT$/);
  });

  it("an unexpected error is a 500 with an error id; the cause (secret-looking runs redacted) goes to the log", async () => {
    const own = await startTestApp();
    try {
      const hexRun = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
      own.kw.tokens.list = () => {
        throw new Error(`boom ${hexRun}`);
      };
      const res = await own.request("GET", "/v1/tokens", { token: own.adminToken });
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(body.error.code).toBe("internal");
      expect(body.error.errorId).toMatch(/^err_[0-9a-f]{12}$/);
      expect(body.error.message).toBe(`internal error (error id ${body.error.errorId})`);
      expect(JSON.stringify(body)).not.toContain("boom");
      const line = own.logs.find((l) => l.includes(body.error.errorId));
      expect(line).toContain("boom [redacted]");
      expect(line).not.toContain(hexRun);
    } finally {
      await own.close();
    }
  });
});

describe("authentication and authorization", () => {
  it("missing token → 401, garbage token → 401, wrong scope → 403", async () => {
    const none = await t.request("GET", "/v1/secrets");
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe("unauthorized");
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    const garbage = await t.request("GET", "/v1/secrets", { token: "kw_0000000000000000_xxx" });
    expect(garbage.statusCode).toBe(401);
    const reader = await t.token(["delegations:read"]);
    const wrong = await t.request("GET", "/v1/secrets", { token: reader });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({ error: { code: "forbidden", message: "token lacks scope secrets:read" } });
  });

  it("a partition-bound token cannot use unpartitioned routes", async () => {
    const bound = await t.token(["secrets:read"], "acme");
    const res = await t.request("GET", "/v1/secrets", { token: bound });
    expect(res.statusCode).toBe(403);
  });

  it("a revoked token stops working", async () => {
    const tok = await t.token(["secrets:read"]);
    expect((await t.request("GET", "/v1/secrets", { token: tok })).statusCode).toBe(200);
    const id = tok.split("_")[1]!;
    const rev = await t.request("DELETE", `/v1/tokens/${id}`, { token: t.adminToken });
    expect(rev.statusCode).toBe(200);
    expect(rev.json().revokedAt).not.toBeNull();
    expect((await t.request("GET", "/v1/secrets", { token: tok })).statusCode).toBe(401);
  });

  it("admin creates and lists tokens without ever listing their values", async () => {
    const res = await t.request("POST", "/v1/tokens", {
      token: t.adminToken,
      body: { scopes: ["rooms:read"], partition: "acme", label: "ci" },
    });
    expect(res.statusCode).toBe(201);
    const { token, info } = res.json();
    t.issued.push(token);
    expect(token).toMatch(/^kw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ scopes: ["rooms:read"], partition: "acme", label: "ci", revokedAt: null });
    const list = await t.request("GET", "/v1/tokens", { token: t.adminToken });
    expect(list.body).not.toContain(token.slice("kw_0123456789abcdef_".length));
    expect(list.json().tokens.map((x: { id: string }) => x.id)).toContain(info.id);
  });
});

describe("validation", () => {
  it("names the field: missing, wrong type, unknown field, bad enum, bad JSON", async () => {
    const post = (body: unknown, headers?: Record<string, string>) =>
      t.request("POST", "/v1/tokens", { token: t.adminToken, body, ...(headers ? { headers } : {}) });
    expect((await post({})).json()).toEqual({
      error: { code: "invalid_input", message: "body.scopes is required" },
    });
    expect((await post({ scopes: ["admin"], extra: 1 })).json().error.message).toBe(
      "body has an unknown field",
    );
    const badEnum = await post({ scopes: ["root"] });
    expect(badEnum.statusCode).toBe(400);
    expect(badEnum.json().error.message).toMatch(/^body\.scopes\[0\] must be one of: admin, secrets:read, /);
    const badJson = await post('{"scopes": [', { "content-type": "application/json" });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toEqual({ error: { code: "invalid_input", message: "body: invalid JSON" } });
    const badType = await post("<scopes/>", { "content-type": "application/xml" });
    expect(badType.statusCode).toBe(415);
    expect(badType.json().error.code).toBe("unsupported_media_type");
  });
});

describe("secrets", () => {
  it("put, reveal in three encodings, list, delete; values never logged", async () => {
    const token = await t.token(["secrets:read", "secrets:write"]);
    const value = "correct horse battery staple 42";
    secretsWritten.push(value);
    const put = await t.request("PUT", "/v1/secrets/db-password", {
      token,
      body: { value, encoding: "utf8" },
    });
    expect(put.json()).toEqual({ name: "db-password", bytes: value.length });
    const get = await t.request("GET", "/v1/secrets/db-password?encoding=hex", { token });
    expect(get.json().value).toBe(Buffer.from(value).toString("hex"));
    const b64 = await t.request("GET", "/v1/secrets/db-password", { token });
    expect(b64.json()).toEqual({
      name: "db-password",
      value: Buffer.from(value).toString("base64url"),
      encoding: "base64url",
    });
    const list = await t.request("GET", "/v1/secrets?prefix=db-", { token });
    expect(list.json()).toEqual({ names: ["db-password"] });
    const bad = await t.request("PUT", "/v1/secrets/x", { token, body: { value: "zz", encoding: "hex" } });
    expect(bad.json()).toEqual({
      error: { code: "invalid_input", message: expect.stringMatching(/^body\.value must be hex/) },
    });
    expect((await t.request("DELETE", "/v1/secrets/db-password", { token })).json()).toEqual({
      deleted: true,
    });
    expect((await t.request("GET", "/v1/secrets/db-password", { token })).statusCode).toBe(404);
  });
});

describe("metrics", () => {
  it("counts requests per route and operation outcomes", async () => {
    const res = await t.request("GET", "/metrics");
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /keyward_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(res.body).toMatch(/keyward_operations_total\{operation="listSecrets",outcome="denied"\} \d+/);
    const count = /keyward_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} (\d+)/.exec(
      res.body,
    );
    const inf =
      /keyward_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} (\d+)/.exec(
        res.body,
      );
    expect(Number(count?.[1])).toBeGreaterThan(0);
    expect(inf?.[1]).toBe(count?.[1]);
    expect(res.body).toContain("# TYPE keyward_http_request_duration_seconds histogram");
    expect(res.body).toContain("keyward_process_cpu_user_seconds_total");
  });
});

describe("audit", () => {
  it("token creation and revocation are audited and the chain verifies", async () => {
    const before = (await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json();
    expect(before.ok).toBe(true);
    const tok = await t.token(["rooms:read"]);
    await t.request("DELETE", `/v1/tokens/${tok.split("_")[1]}`, { token: t.adminToken });
    const after = (await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json();
    expect(after).toEqual({ ok: true, entries: before.entries + 2 });
    // Canonical bodies hold strings as raw UTF-8, so the event kinds show up in the body hex.
    const bodies: string[] = [];
    for await (const e of t.kw.audit.entries()) if (e.seq > before.entries) bodies.push(e.body);
    expect(bodies[0]).toContain(Buffer.from("token.create").toString("hex"));
    expect(bodies[1]).toContain(Buffer.from("token.revoke").toString("hex"));
  });

  it("custody events name the token that caused them (signature and rotation)", async () => {
    const admin = await t.token(["custody:admin"]);
    const signer = await t.token(["custody:sign"]);
    const idOf = (tok: string) => tok.split("_")[1]!;
    const hex = (s: string) => Buffer.from(s).toString("hex");
    expect(
      (await t.request("POST", "/v1/partitions", { token: admin, body: { name: "actors" } })).statusCode,
    ).toBe(201);
    const before = (await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json().entries;
    const url = "/v1/partitions/actors/identities/user:carol";
    const signed = await t.request("POST", `${url}/sign`, { token: signer, body: { message: "00ff" } });
    expect(signed.statusCode).toBe(200);
    expect((await t.request("POST", `${url}/rotate`, { token: admin })).statusCode).toBe(200);
    const bodies: string[] = [];
    for await (const e of t.kw.audit.entries()) if (e.seq > before) bodies.push(e.body);
    const sign = bodies.find((b) => b.includes(hex("custody.sign")));
    const rotate = bodies.find((b) => b.includes(hex("custody.rotate")));
    expect(sign).toContain(hex(`token:${idOf(signer)}`));
    expect(rotate).toContain(hex(`token:${idOf(admin)}`));
    expect(rotate).not.toContain(hex(`token:${idOf(signer)}`));
  });
});
