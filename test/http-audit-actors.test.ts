// Audit entries of writes made over HTTP name the token that made them: custody, delegates, rooms, River export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCertificate } from "../src/delegates/certificate.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import type { Scope } from "../src/service/tokens.js";
import { startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
const hex = (s: string) => Buffer.from(s).toString("hex");
const actorOf = (token: string) => `token:${token.split("_")[1]}`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The canonical bodies (hex) of the entries appended after `seq`; strings are raw UTF-8 in them. */
async function bodiesAfter(seq: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of t.kw.audit.entries()) if (e.seq > seq) out.push(e.body);
  return out;
}

async function head(): Promise<number> {
  return (await t.request("GET", "/v1/audit/verify", { token: t.adminToken })).json().entries;
}

describe("audit entries name the HTTP caller", () => {
  it("every custody route's entries name the token that called it, also those a first use causes", async () => {
    const id = (name: string) => `/v1/partitions/custody-actors/identities/user:${name}`;
    const steps: [method: "GET" | "POST", url: string, scope: Scope, body: unknown, kinds: string[]][] = [
      ["POST", "/v1/partitions", "custody:admin", { name: "custody-actors" }, ["custody.partition-created"]],
      ["GET", `${id("a")}/key`, "custody:read", undefined, ["custody.identity-created"]],
      [
        "POST",
        `${id("b")}/sign`,
        "custody:sign",
        { message: "00" },
        ["custody.identity-created", "custody.sign"],
      ],
      [
        "POST",
        `${id("a")}/sign-batch`,
        "custody:sign",
        { messages: ["00", "01"] },
        ["custody.sign", "custody.sign"],
      ],
      ["POST", `${id("a")}/rotate`, "custody:admin", undefined, ["custody.rotate"]],
      ["POST", `${id("a")}/suspend`, "custody:admin", undefined, ["custody.suspend"]],
      ["POST", `${id("a")}/resume`, "custody:admin", undefined, ["custody.resume"]],
      [
        "POST",
        `${id("c")}/import-legacy`,
        "custody:admin",
        { scheme: "ed25519", privateKey: "11".repeat(32) },
        ["custody.import-legacy"],
      ],
      ["POST", `${id("c")}/remap`, "custody:admin", undefined, ["custody.remap"]],
      [
        "POST",
        "/v1/partitions/custody-actors/msk/rotate",
        "custody:admin",
        {},
        ["custody.msk-rotated", "custody.remap", "custody.remap", "custody.remap", "custody.msk-destroyed"],
      ],
      ["POST", `${id("b")}/revoke`, "custody:admin", undefined, ["custody.revoke"]],
    ];
    for (const [method, url, scope, body, kinds] of steps) {
      const token = await t.token([scope]);
      const before = await head();
      const r = await t.request(method, url, { token, ...(body === undefined ? {} : { body }) });
      expect(r.statusCode, url).toBeLessThan(300);
      const entries = (await bodiesAfter(before)).filter((b) => b.includes(hex("custody.")));
      const entryKinds = kinds.map(hex);
      expect(
        entries.map((b) => entryKinds.find((k) => b.includes(k))),
        url,
      ).toEqual(entryKinds);
      for (const b of entries) expect(b, url).toContain(hex(actorOf(token)));
    }
  });

  it("a delegate migration names the token that migrated; the token issue names its own caller", async () => {
    const appKey = newAppKey();
    const writer = await t.token(["delegates:read", "delegates:write", "delegates:secrets"]);
    const issuer = await t.token(["delegates:migrate"]);
    const migrator = await t.token(["delegates:migrate"]);
    const app = await t.request("POST", "/v1/apps", {
      token: writer,
      body: { name: "actors", publicKey: appKey.hex },
    });
    expect(app.statusCode).toBe(201);
    const keys: string[] = [];
    for (const v of [1, 2]) {
      const body = { certificate: formatCertificate(certifyVersion(appKey, "actors", v)) };
      const r = await t.request("POST", "/v1/delegates", { token: writer, body });
      expect(r.statusCode).toBe(201);
      keys.push(r.json().delegateKey);
    }
    const [v1, v2] = keys;
    const before = await head();
    const issued = await t.request("POST", `/v1/delegates/${v1}/migration-tokens`, {
      token: issuer,
      body: { to: v2 },
    });
    expect(issued.statusCode).toBe(201);
    t.issued.push(issued.json().token);
    const mig = await t.request("POST", `/v1/delegates/${v1}/migrate`, {
      token: migrator,
      body: { to: v2, token: issued.json().token },
    });
    expect(mig.statusCode).toBe(200);
    const bodies = await bodiesAfter(before);
    const issue = bodies.filter((b) => b.includes(hex("delegate.token.issued")));
    const migrated = bodies.filter((b) => b.includes(hex("delegate.migrated")));
    expect(issue).toHaveLength(1);
    expect(migrated).toHaveLength(1);
    expect(issue[0]).toContain(hex(actorOf(issuer)));
    expect(migrated[0]).toContain(hex(actorOf(migrator)));
    expect(migrated[0]).not.toContain(hex(actorOf(issuer)));
  });

  it("a room rotation names the token that rotated (the custody loan of the owner key)", async () => {
    const admin = await t.token(["custody:admin"]);
    const creator = await t.token(["rooms:read", "rooms:write"]);
    const rotator = await t.token(["rooms:write"]);
    expect(
      (await t.request("POST", "/v1/partitions", { token: admin, body: { name: "rooms" } })).statusCode,
    ).toBe(201);
    const created = await t.request("POST", "/v1/rooms", {
      token: creator,
      body: { name: "actors", owner: { partition: "rooms", identity: "user:owner" } },
    });
    expect(created.statusCode).toBe(201);
    const before = await head();
    const rotated = await t.request("POST", "/v1/rooms/actors/rotate", { token: rotator });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().version).toBe(1);
    const loans = (await bodiesAfter(before)).filter((b) => b.includes(hex("custody.key-use")));
    expect(loans).toHaveLength(1);
    expect(loans[0]).toContain(hex(actorOf(rotator)));
    expect(loans[0]).not.toContain(hex(actorOf(creator)));
    // The River export signs with the owner key too: its loan names the exporting token.
    const mark = await head();
    const exported = await t.request("GET", "/v1/rooms/actors/river", { token: creator });
    expect(exported.statusCode).toBe(200);
    const exportLoans = (await bodiesAfter(mark)).filter((b) => b.includes(hex("custody.key-use")));
    expect(exportLoans.length).toBeGreaterThan(0);
    for (const b of exportLoans) expect(b).toContain(hex(actorOf(creator)));
  });
});
