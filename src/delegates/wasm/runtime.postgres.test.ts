// The delegate runtime on the real local PostgreSQL (own schema): River V28 stores and reads per origin, a call
// that traps after writing commits nothing, and a migration carries the namespace to current's code.
import { readFileSync } from "node:fs";
import { decode as cborDecode } from "cbor2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRAP_MID_WRITE } from "../../../test/wasm/hostile.js";
import { wat } from "../../../test/wasm/wat.js";
import { utf8 } from "../../crypto/bytes.js";
import { encodeChatRequest } from "../../interop/river-chat/chat-messages.js";
import { openTestPostgresStorage, type TestStorage } from "../../store/testing.js";
import { certifyDelegate } from "../certificate.js";
import { Delegates } from "../delegates.js";
import { delegateNamespace } from "../records.js";
import { newAppKey, recordingAudit } from "../test-support.js";

const fixture = (f: string) =>
  new Uint8Array(readFileSync(new URL(`../../../test/fixtures/river/${f}`, import.meta.url)));
const A = { webApp: new Uint8Array(32).fill(0x0a) };
const B = { webApp: new Uint8Array(32).fill(0x0b) };
let t: TestStorage;
let d: Delegates;

async function get(key: string, origin: typeof A): Promise<number[] | null> {
  const r = await d.runtime.call(key, {
    origin,
    payload: encodeChatRequest({ type: "GetRequest", key: utf8("rooms") }),
  });
  const m = r.messages[0];
  if (m?.type !== "ApplicationMessage") throw new Error("no reply");
  return (cborDecode(m.payload) as { GetResponse: { value: number[] | null } }).GetResponse.value;
}

beforeAll(async () => {
  t = await openTestPostgresStorage();
  d = new Delegates({ storage: t.storage, audit: recordingAudit() });
});
afterAll(async () => {
  await d.runtime.close();
  await t.cleanup();
});

describe("WebAssembly delegates on PostgreSQL", () => {
  it("River V28 → current with the namespace in Postgres; a trapping call commits nothing", async () => {
    const app = newAppKey();
    await d.apps.register("river", app.publicKey);
    const v28 = (
      await d.modules.register(
        certifyDelegate(app.seed, fixture("chat_delegate_V28.wasm"), new Uint8Array(0), 28),
        fixture("chat_delegate_V28.wasm"),
      )
    ).delegateKey;
    const cur = (
      await d.modules.register(
        certifyDelegate(app.seed, fixture("chat_delegate_current.wasm"), new Uint8Array(0), 31),
        fixture("chat_delegate_current.wasm"),
      )
    ).delegateKey;
    await d.runtime.call(v28, {
      origin: A,
      payload: encodeChatRequest({ type: "StoreRequest", key: utf8("rooms"), value: utf8("pg") }),
    });
    expect(Buffer.from((await get(v28, A)) ?? []).toString()).toBe("pg");
    expect(await get(v28, B)).toBeNull();

    const trap = await wat(TRAP_MID_WRITE);
    const evil = (await d.modules.register(certifyDelegate(app.seed, trap, new Uint8Array(0), 99), trap))
      .delegateKey;
    await expect(d.runtime.call(evil, { origin: A, payload: new Uint8Array(0) })).rejects.toMatchObject({
      code: "module_failed",
    });
    expect(await t.storage.secrets.list(delegateNamespace(evil))).toEqual([]);

    const { token } = await d.tokens.issue(v28, cur, 600);
    await d.migrations.migrate(v28, cur, token);
    expect(Buffer.from((await get(cur, A)) ?? []).toString()).toBe("pg");
  });
});
