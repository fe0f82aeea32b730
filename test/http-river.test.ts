// HTTP: a room exported in River's format, judged by River's contract over /v1/river/validate-state, imported back.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { decodeChatRoomState, encodeChatRoomState } from "../src/interop/river/index.js";
import { startTestApp, type TestApp } from "./http-harness.js";

const contract = bytesToBase64url(readFileSync("test/fixtures/river/room_contract_current.wasm"));
const seed = (b: number) => new Uint8Array(32).fill(b);
const [alice, bob] = [1, 2].map((b) => bytesToHex(ed25519PublicKey(seed(b))));
/** The state with one byte of the first member's signature flipped. */
function tamper(bytes: Uint8Array): Uint8Array {
  const s = decodeChatRoomState(bytes);
  const sig = Uint8Array.from(s.members[0]!.signature);
  sig[3]! ^= 1;
  return encodeChatRoomState({
    ...s,
    members: [{ ...s.members[0]!, signature: sig }, ...s.members.slice(1)],
  });
}

let t: TestApp;
let t2: TestApp;
beforeAll(async () => {
  [t, t2] = await Promise.all([startTestApp(), startTestApp()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([t.close(), t2.close()]);
});

describe("River routes", () => {
  it("export → River's contract says Valid → a second replica imports it and exports the same bytes", async () => {
    const admin = { token: t.adminToken };
    const create = await t.request("POST", "/v1/rooms", {
      ...admin,
      body: { name: "team", ownerSeed: bytesToHex(seed(0x11)) },
    });
    expect(create.statusCode).toBe(201);
    for (const m of [alice, bob])
      await t.request("POST", "/v1/rooms/team/members", { ...admin, body: { member: m } });
    await t.request("DELETE", `/v1/rooms/team/members/${bob}`, admin);
    const exp = await t.request("GET", "/v1/rooms/team/river", admin);
    expect(exp.statusCode).toBe(200);
    const { state, parameters, version } = exp.json() as {
      state: string;
      parameters: string;
      version: number;
    };
    expect(version).toBe(1);
    const verdict = await t.request("POST", "/v1/river/validate-state", {
      ...admin,
      body: { contract, parameters, state },
    });
    expect(verdict.json()).toEqual({ valid: true, verdict: "Valid" });
    const tampered = bytesToBase64url(tamper(base64urlToBytes(state)));
    const bad = await t.request("POST", "/v1/river/validate-state", {
      ...admin,
      body: { contract, parameters, state: tampered },
    });
    expect(bad.statusCode).toBe(200);
    expect((bad.json() as { valid: boolean }).valid).toBe(false);

    await t2.request("POST", "/v1/rooms", {
      token: t2.adminToken,
      body: { name: "team", ownerSeed: bytesToHex(seed(0x11)) },
    });
    const imp = await t2.request("POST", "/v1/rooms/river/import", {
      token: t2.adminToken,
      body: { state, parameters },
    });
    expect(imp.statusCode).toBe(200);
    expect(imp.json()).toMatchObject({ version: 1, foreignVersions: [], rotatedTo: null });
    const again = await t2.request("GET", "/v1/rooms/team/river", { token: t2.adminToken });
    expect((again.json() as { state: string }).state).toBe(state);
  });

  it("refuses a tampered River state on import (422 invalid_signature), malformed bytes (400), missing scope (403)", async () => {
    const exp = (
      await t.request("GET", "/v1/rooms/team/river?encoding=hex", { token: t.adminToken })
    ).json() as {
      state: string;
      parameters: string;
    };
    const flipped = bytesToHex(tamper(hexToBytes(exp.state)));
    const r = await t.request("POST", "/v1/rooms/river/import", {
      token: t.adminToken,
      body: { state: flipped, parameters: exp.parameters, encoding: "hex" },
    });
    expect(r.statusCode).toBe(422);
    expect((r.json() as { error: { code: string } }).error.code).toBe("invalid_signature");
    const trunc = await t.request("POST", "/v1/rooms/river/import", {
      token: t.adminToken,
      body: { state: exp.state.slice(0, 40), encoding: "hex" },
    });
    expect(trunc.statusCode).toBe(400);
    const reader = await t.token(["rooms:read"]);
    const denied = await t.request("POST", "/v1/rooms/river/import", {
      token: reader,
      body: { state: exp.state, encoding: "hex" },
    });
    expect(denied.statusCode).toBe(403);
  });
});
