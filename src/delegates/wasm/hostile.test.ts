// Hostile WebAssembly delegates (WAT, compiled with wabt) next to River's real chat delegate: each failure is
// contained to its call, nothing it wrote survives, the service keeps serving, the victim's secrets are unchanged.
import { readFileSync } from "node:fs";
import { decode as cborDecode } from "cbor2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GARBAGE_POINTERS,
  GARBAGE_RESULT,
  GROW_MEMORY,
  HUGE_INITIAL_MEMORY,
  HUGE_RESULT_LENGTH,
  LOOP_FOREVER,
  prober,
  TRAP_MID_WRITE,
  UNKNOWN_IMPORT,
} from "../../../test/wasm/hostile.js";
import { wat } from "../../../test/wasm/wat.js";
import { utf8 } from "../../crypto/bytes.js";
import { encodeChatRequest } from "../../interop/river-chat/chat-messages.js";
import { openTestSqliteStorage, type TestStorage } from "../../store/testing.js";
import { certifyDelegate } from "../certificate.js";
import { Delegates } from "../delegates.js";
import { delegateNamespace } from "../records.js";
import { newAppKey, recordingAudit, type TestAppKey } from "../test-support.js";

const V28 = new Uint8Array(
  readFileSync(new URL("../../../test/fixtures/river/chat_delegate_V28.wasm", import.meta.url)),
);
const ORIGIN = { webApp: new Uint8Array(32).fill(0x5a) };

let t: TestStorage;
let d: Delegates;
let evil: TestAppKey;
let victim: string;
let victimNames: string[];
let nextVersion = 1;

async function register(text: string): Promise<string> {
  const code = await wat(text);
  return (await d.modules.register(certifyDelegate(evil.seed, code, new Uint8Array(0), nextVersion++), code))
    .delegateKey;
}

/** Every sealed value of a namespace, read below the domain (the guard forbids reading it through it). */
async function snapshot(key: string): Promise<Record<string, string>> {
  const ns = delegateNamespace(key);
  const out: Record<string, string> = {};
  for (const name of await t.storage.secrets.list(ns))
    out[name] = Buffer.from((await t.storage.secrets.get(ns, name))?.expose() ?? []).toString("hex");
  return out;
}

async function victimStillServes(): Promise<void> {
  const r = await d.runtime.call(victim, {
    origin: ORIGIN,
    payload: encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }),
  });
  const m = r.messages[0];
  if (m?.type !== "ApplicationMessage") throw new Error("no reply");
  const reply = cborDecode(m.payload) as { GetResponse: { value: number[] } };
  expect(Buffer.from(reply.GetResponse.value).toString()).toBe("victim's room list");
}

beforeAll(async () => {
  t = await openTestSqliteStorage();
  d = new Delegates({
    storage: t.storage,
    audit: recordingAudit(),
    runtime: { timeoutMs: 2500, maxMemoryPages: 256 },
  });
  const river = newAppKey();
  evil = newAppKey();
  await d.apps.register("river", river.publicKey);
  await d.apps.register("evil", evil.publicKey);
  victim = (await d.modules.register(certifyDelegate(river.seed, V28, new Uint8Array(0), 28), V28))
    .delegateKey;
  await d.runtime.call(victim, {
    origin: ORIGIN,
    payload: encodeChatRequest({
      type: "StoreRequest",
      key: utf8("rooms"),
      value: utf8("victim's room list"),
    }),
  });
  await d.runtime.call(victim, {
    origin: ORIGIN,
    payload: encodeChatRequest({
      type: "StoreSigningKey",
      roomKey: new Uint8Array(32).fill(1),
      signingKey: new Uint8Array(32).fill(2),
    }),
  });
  victimNames = await d.secrets.list(victim);
});

afterAll(async () => {
  await d.runtime.close();
  await t.cleanup();
});

const cases: [string, string, string][] = [
  ["loops forever", LOOP_FOREVER, "timeout"],
  ["grows memory without end", GROW_MEMORY, "memory"],
  ["traps mid-write", TRAP_MID_WRITE, "trap"],
  ["returns garbage pointers", GARBAGE_POINTERS, "malformed"],
  ["returns bytes that are not a result", GARBAGE_RESULT, "malformed"],
  ["claims a 4 GiB result", HUGE_RESULT_LENGTH, "malformed"],
];

describe("hostile delegate modules are contained", () => {
  for (const [what, text, reason] of cases)
    it(`one that ${what}: fails the call (${reason}), keeps none of its writes, the victim is unchanged`, async () => {
      const before = await snapshot(victim);
      const key = await register(text);
      const payload = encodeChatRequest({ type: "ListRequest" });
      await expect(d.runtime.call(key, { origin: ORIGIN, payload })).rejects.toMatchObject({
        code: "module_failed",
        details: { reason },
      });
      expect(await t.storage.secrets.list(delegateNamespace(key))).toEqual([]);
      // contained: the same module fails the same way again (fresh instance), the victim still serves
      await expect(d.runtime.call(key, { origin: ORIGIN, payload })).rejects.toMatchObject({
        code: "module_failed",
      });
      await victimStillServes();
      expect(await snapshot(victim)).toEqual(before);
    });

  it("one that imports an unknown host function is refused at registration, naming it; nothing is stored", async () => {
    const code = await wat(UNKNOWN_IMPORT);
    const cert = certifyDelegate(evil.seed, code, new Uint8Array(0), 900);
    await expect(d.modules.register(cert, code)).rejects.toMatchObject({
      code: "invalid_module",
      message: expect.stringContaining("env.now_ms"),
    });
    await expect(d.versions.status(cert.delegateKey)).rejects.toMatchObject({ code: "not_found" });
    const big = await wat(HUGE_INITIAL_MEMORY);
    await expect(
      d.modules.register(certifyDelegate(evil.seed, big, new Uint8Array(0), 901), big),
    ).rejects.toMatchObject({ code: "invalid_module" });
  });

  it("refuses a module whose bytes are not the certified code", async () => {
    const code = await wat(prober([utf8("never registered")]));
    const cert = certifyDelegate(evil.seed, code, new Uint8Array(0), 902);
    const other = await wat(TRAP_MID_WRITE);
    await expect(d.modules.register(cert, other)).rejects.toMatchObject({ code: "code_mismatch" });
    await expect(d.versions.status(cert.delegateKey)).rejects.toMatchObject({ code: "not_found" });
  });

  it("one that tries every way to reach another delegate's secrets sees and changes only its own namespace", async () => {
    const before = await snapshot(victim);
    const probes = [
      ...victimNames.map((n) => utf8(n)),
      ...victimNames.map((n) => utf8(`hex:${Buffer.from(n).toString("hex")}`)),
      ...victimNames.map((n) => utf8(`../${n}`)),
      ...victimNames.map((n) => utf8(`${delegateNamespace(victim)}/${n}`)),
      utf8(`keyward.session.${victim}`),
      utf8(""),
      new Uint8Array(4096).fill(0x41),
    ];
    const key = await register(prober(probes));
    const r = await d.runtime.call(key, {
      origin: ORIGIN,
      payload: encodeChatRequest({ type: "ListRequest" }),
    });
    const m = r.messages[0];
    if (m?.type !== "ApplicationMessage") throw new Error("no reply");
    const codes = Array.from(new Int32Array(m.payload.slice().buffer));
    const reads = codes.slice(0, probes.length * 2);
    expect(reads.every((c) => c === -2)).toBe(true); // ERR_SECRET_NOT_FOUND for every probe
    expect(codes[probes.length * 2]).toBe(0); // list_secrets_len: its own namespace is empty
    expect(codes[probes.length * 2 + 1]).toBe(0); // the write succeeded … into its own namespace
    expect(await snapshot(victim)).toEqual(before);
    expect(await t.storage.secrets.list(delegateNamespace(key))).toEqual([victimNames[0]]);
    await victimStillServes();
  });
});
