// Lazy unseal: state work never runs the KDF; the first secret access unseals once (also inside a transaction).
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { openStorage, unsealNow } from "./open.js";
import type { SealedStorage } from "./sealed-storage.js";
import { TEST_BACKENDS, type TestStorage } from "./testing.js";

let t: TestStorage | undefined;
const opened: SealedStorage[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  await t?.cleanup();
  t = undefined;
});

async function lazy(dbUrl: string, key: Uint8Array | undefined): Promise<SealedStorage> {
  const s = (await openStorage({
    db: dbUrl,
    unseal: key ? { key } : undefined,
    lazyUnseal: true,
  })) as SealedStorage;
  opened.push(s);
  return s;
}

describe.each(TEST_BACKENDS)("lazy unseal (%s)", (_name, open) => {
  it("reads and writes state without unsealing; a wrong key fails only the first secret access", async () => {
    t = await open();
    await t.storage.secrets.put("ns", "a", Secret.adopt(utf8("v")));
    const wrong = await lazy(t.dbUrl, new Uint8Array(32).fill(7));
    await wrong.state.put("t.x", "k", utf8("1"));
    expect(await wrong.state.get("t.x", "k")).toEqual(utf8("1"));
    expect(await wrong.secrets.list("ns")).toEqual(["a"]);
    expect(wrong.unsealed).toBe(false);
    expect(() => wrong.keyring).toThrow(/not unsealed yet/);
    await expect(wrong.secrets.get("ns", "a")).rejects.toMatchObject({ code: "unseal_failed" });
    await expect(unsealNow(wrong)).rejects.toMatchObject({ code: "unseal_failed" });
  });

  it("no unseal material: state works, a secret access names what to set", async () => {
    t = await open();
    const none = await lazy(t.dbUrl, undefined);
    expect(await none.state.get("t.x", "k")).toBeUndefined();
    await expect(none.secrets.put("ns", "b", Secret.adopt(utf8("v")))).rejects.toMatchObject({
      code: "unseal_failed",
      message: expect.stringMatching(/KEYWARD_PASSPHRASE/),
    });
  });

  it("unseals once on first use, also from inside a transaction", async () => {
    t = await open();
    await t.storage.secrets.put("ns", "a", Secret.adopt(utf8("secret-a")));
    const s = await lazy(t.dbUrl, t.key);
    const got = await s.transaction(async (tx) => {
      const v = await tx.secrets.get("ns", "a");
      await tx.secrets.put("ns", "b", Secret.adopt(utf8("secret-b")));
      return v?.use((b) => Buffer.from(b).toString());
    });
    expect(got).toBe("secret-a");
    expect(s.unsealed).toBe(true);
    const keyring = s.keyring;
    const [x, y] = await Promise.all([s.secrets.get("ns", "a"), s.secrets.get("ns", "b")]);
    expect(x?.use((b) => Buffer.from(b).toString())).toBe("secret-a");
    expect(y?.use((b) => Buffer.from(b).toString())).toBe("secret-b");
    expect(s.keyring).toBe(keyring);
  });
});

it("refuses a store that is not initialised", async () => {
  await expect(
    openStorage({ db: "sqlite::memory:", unseal: undefined, lazyUnseal: true }),
  ).rejects.toMatchObject({ code: "not_initialized" });
});
