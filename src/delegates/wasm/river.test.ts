// River's real chat delegate (unmodified builds) through keyward's host: storage per origin, signing with a key
// that never leaves the delegate, then V28 → current along the signed chain. Oracles: cbor2 (npm) decodes the
// delegate's ciborium replies, node:crypto verifies Ed25519, River's legacy_delegates.toml names the V28 key.
import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { decode as cborDecode, encode as cborEncode } from "cbor2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utf8 } from "../../crypto/bytes.js";
import { Secret } from "../../crypto/secret.js";
import { encodeChatRequest } from "../../interop/river-chat/chat-messages.js";
import { openTestSqliteStorage, type TestStorage } from "../../store/testing.js";
import { certifyDelegate } from "../certificate.js";
import { Delegates } from "../delegates.js";
import { newAppKey, recordingAudit, type TestAppKey } from "../test-support.js";

const FIX = new URL("../../../test/fixtures/river/", import.meta.url);
const V28 = new Uint8Array(readFileSync(new URL("chat_delegate_V28.wasm", FIX)));
const CURRENT = new Uint8Array(readFileSync(new URL("chat_delegate_current.wasm", FIX)));
const APP_A = { webApp: new Uint8Array(32).fill(0xa1) };
const APP_B = { webApp: new Uint8Array(32).fill(0xb2) };
const ROOM = new Uint8Array(32).fill(7);
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);

let t: TestStorage;
let d: Delegates;
let app: TestAppKey;
let v28: string;
let current: string;

/** Sends a request; returns the one reply, decoded by cbor2 (not by keyward's decoder). */
async function ask(
  key: string,
  origin: typeof APP_A,
  payload: Uint8Array,
): Promise<Record<string, Record<string, unknown>>> {
  const r = await d.runtime.call(key, { origin, payload });
  expect(r.messages).toHaveLength(1);
  const m = r.messages[0]!;
  if (m.type !== "ApplicationMessage") throw new Error(`unexpected ${m.type}`);
  expect(m.processed).toBe(true);
  return cborDecode(m.payload) as Record<string, Record<string, unknown>>;
}

/** One variant's fields of a reply (throws when the delegate answered another variant). */
function field(reply: Record<string, Record<string, unknown>>, variant: string): Record<string, unknown> {
  const v = reply[variant];
  if (!v) throw new Error(`expected ${variant}, got ${Object.keys(reply).join()}`);
  return v;
}

const bytes = (v: unknown): Uint8Array => Uint8Array.from(v as number[]);

/** Ed25519 public key of SEED by node:crypto (PKCS#8 wrapping of the raw seed). */
function oraclePublicKey(): Uint8Array {
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SEED]);
  const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })).export({
    format: "der",
    type: "spki",
  });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

function oracleVerify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), pub]);
  return verify(null, msg, createPublicKey({ key: spki, format: "der", type: "spki" }), sig);
}

/**
 * Through origin A: `version` answers ROOM's public key as the oracle derives it, and signs `text` (request
 * `requestId`) with a signature the oracle verifies under that key.
 */
async function expectOracleSignature(version: string, requestId: bigint, text: string): Promise<void> {
  const pub = await ask(version, APP_A, encodeChatRequest({ type: "GetPublicKey", roomKey: ROOM }));
  expect(bytes(field(pub, "GetPublicKeyResponse").public_key)).toEqual(oraclePublicKey());
  const msg = utf8(text);
  const signed = await ask(
    version,
    APP_A,
    encodeChatRequest({ type: "SignMessage", roomKey: ROOM, requestId, message: msg }),
  );
  const signature = bytes((field(signed, "SignResponse").signature as { Ok: unknown }).Ok);
  expect(oracleVerify(oraclePublicKey(), msg, signature)).toBe(true);
}

beforeAll(async () => {
  t = await openTestSqliteStorage();
  d = new Delegates({ storage: t.storage, audit: recordingAudit() });
  app = newAppKey();
  await d.apps.register("river", app.publicKey);
  v28 = (await d.modules.register(certifyDelegate(app.seed, V28, new Uint8Array(0), 28), V28)).delegateKey;
  current = (await d.modules.register(certifyDelegate(app.seed, CURRENT, new Uint8Array(0), 31), CURRENT))
    .delegateKey;
});

afterAll(async () => {
  await d.runtime.close();
  await t.cleanup();
});

describe("River chat delegate V28 through keyward's host", () => {
  it("has the delegate key River's legacy_delegates.toml lists for V28, and reports its module", async () => {
    expect((await d.versions.status(v28)).module).toEqual({ bytes: V28.length });
    const toml = readFileSync(new URL("legacy_delegates.toml", FIX), "utf8");
    const entry = toml.split("[[entry]]").find((e) => /version = "V28"/.test(e)) ?? "";
    expect(entry).toContain(`delegate_key = "${v28}"`);
  });

  it("encodes requests exactly as an independent CBOR encoder does", () => {
    expect(encodeChatRequest({ type: "GetRequest", key: utf8("rooms") })).toEqual(
      cborEncode({ GetRequest: { key: [...utf8("rooms")] } }),
    );
    expect(encodeChatRequest({ type: "ListRequest" })).toEqual(cborEncode("ListRequest"));
    const sign = { type: "SignMessage", roomKey: ROOM, requestId: 9n, message: utf8("hi") } as const;
    expect(encodeChatRequest(sign)).toEqual(
      cborEncode({ SignMessage: { room_key: [...ROOM], request_id: 9, message_bytes: [...utf8("hi")] } }),
    );
  });

  it("stores, gets, lists and deletes per origin", async () => {
    const value = utf8("room list v1");
    const stored = await ask(
      v28,
      APP_A,
      encodeChatRequest({ type: "StoreRequest", key: utf8("rooms"), value }),
    );
    expect(stored.StoreResponse).toMatchObject({ value_size: value.length, result: { Ok: null } });
    await ask(v28, APP_A, encodeChatRequest({ type: "StoreRequest", key: utf8("drafts"), value: utf8("x") }));
    const got = await ask(v28, APP_A, encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }));
    expect(bytes(field(got, "GetResponse").value)).toEqual(value);
    const listed = await ask(v28, APP_A, encodeChatRequest({ type: "ListRequest" }));
    expect(
      (field(listed, "ListResponse").keys as number[][]).map((k) => Buffer.from(k).toString()).sort(),
    ).toEqual(["drafts", "rooms"]);
    // another origin sees none of it
    const other = await ask(v28, APP_B, encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }));
    expect(field(other, "GetResponse").value).toBeNull();
    expect(
      field(await ask(v28, APP_B, encodeChatRequest({ type: "ListRequest" })), "ListResponse").keys,
    ).toEqual([]);
    const deleted = await ask(v28, APP_A, encodeChatRequest({ type: "DeleteRequest", key: utf8("drafts") }));
    expect(field(deleted, "DeleteResponse").result).toEqual({ Ok: null });
    const after = await ask(v28, APP_A, encodeChatRequest({ type: "ListRequest" }));
    expect((field(after, "ListResponse").keys as number[][]).map((k) => Buffer.from(k).toString())).toEqual([
      "rooms",
    ]);
  });

  it("refuses a message without an origin and changes nothing", async () => {
    const before = await d.secrets.list(v28);
    await expect(
      d.runtime.call(v28, { payload: encodeChatRequest({ type: "ListRequest" }) }),
    ).rejects.toMatchObject({
      code: "delegate_error",
    });
    expect(await d.secrets.list(v28)).toEqual(before);
  });

  it("signs with a stored key an independent verifier accepts; the key is not readable from outside", async () => {
    const storedKey = await ask(
      v28,
      APP_A,
      encodeChatRequest({ type: "StoreSigningKey", roomKey: ROOM, signingKey: SEED }),
    );
    expect(field(storedKey, "StoreSigningKeyResponse").result).toEqual({ Ok: null });
    await expectOracleSignature(v28, 1n, "hello river");
    // origin B has no key for that room
    expect(
      (await ask(v28, APP_B, encodeChatRequest({ type: "GetPublicKey", roomKey: ROOM }))).GetPublicKeyResponse
        ?.public_key,
    ).toBeNull();
    // the namespace is guarded by the code: no direct reads or writes
    const names = await d.secrets.list(v28);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) await expect(d.secrets.get(v28, n)).rejects.toMatchObject({ code: "forbidden" });
    await expect(d.secrets.put(v28, "planted", Secret.from(utf8("x")))).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("River V28 → current along the signed chain", () => {
  it("migrates with a one-time token; current's code reads the value and signs with the same key", async () => {
    const { token } = await d.tokens.issue(v28, current, 600);
    const r = await d.migrations.migrate(v28, current, token);
    expect(r.moved).toBeGreaterThan(0);
    await expect(d.migrations.migrate(v28, current, token)).rejects.toMatchObject({ code: "token_used" });
    await expect(
      d.runtime.call(v28, { origin: APP_A, payload: encodeChatRequest({ type: "ListRequest" }) }),
    ).rejects.toMatchObject({
      code: "migrated",
    });
    const got = await ask(current, APP_A, encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }));
    expect(bytes(field(got, "GetResponse").value)).toEqual(utf8("room list v1"));
    await expectOracleSignature(current, 2n, "after migration");
    const other = await ask(current, APP_B, encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }));
    expect(field(other, "GetResponse").value).toBeNull();
  });
});
