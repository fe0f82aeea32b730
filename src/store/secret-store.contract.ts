// The SecretStore contract: one suite every backend must pass (invoked by the backends' *.test.ts files).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../crypto/secret.js";
import { openStorage } from "./open.js";
import type { SealedStorage } from "./sealed-storage.js";
import type { TestStorage } from "./testing.js";

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);
const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

/**
 * Runs the SecretStore contract against `make` (a fresh, isolated storage per call).
 * @example runSecretStoreContract("postgres", openTestPostgresStorage);
 */
export function runSecretStoreContract(label: string, make: () => Promise<TestStorage>): void {
  describe(`SecretStore contract (${label})`, () => {
    // One storage for the suite: each test writes its own namespaces.
    let t: TestStorage;
    beforeAll(async () => {
      t = await make();
    });
    afterAll(async () => t.cleanup());

    it("puts, gets (as a Secret), overwrites and deletes", async () => {
      expect(await t.storage.secrets.get("c.basic", "n")).toBeUndefined();
      expect(await t.storage.secrets.has("c.basic", "n")).toBe(false);
      await t.storage.secrets.put("c.basic", "n", Secret.from(b("value-1")));
      const got = await t.storage.secrets.get("c.basic", "n");
      expect(Secret.is(got)).toBe(true);
      expect(got?.expose()).toEqual(b("value-1"));
      expect(JSON.stringify({ got })).not.toContain("value-1");
      await t.storage.secrets.put("c.basic", "n", Secret.from(b("value-2")));
      expect((await t.storage.secrets.get("c.basic", "n"))?.expose()).toEqual(b("value-2"));
      expect(await t.storage.secrets.has("c.basic", "n")).toBe(true);
      expect(await t.storage.secrets.delete("c.basic", "n")).toBe(true);
      expect(await t.storage.secrets.delete("c.basic", "n")).toBe(false);
      expect(await t.storage.secrets.get("c.basic", "n")).toBeUndefined();
    });

    it("round-trips binary values of any size, including empty", async () => {
      const values = [
        new Uint8Array(0),
        Uint8Array.of(0, 0, 0),
        Uint8Array.from({ length: 256 }, (_, i) => i),
        Uint8Array.from({ length: 65_536 }, (_, i) => (i * 7) & 0xff),
      ];
      for (const [i, v] of values.entries()) await t.storage.secrets.put("c.bin", `v${i}`, Secret.from(v));
      for (const [i, v] of values.entries())
        expect((await t.storage.secrets.get("c.bin", `v${i}`))?.expose()).toEqual(v);
    });

    it("hands out independent copies: wiping one result does not affect the store", async () => {
      await t.storage.secrets.put("c.copy", "n", Secret.from(b("stay")));
      (await t.storage.secrets.get("c.copy", "n"))?.wipe();
      expect((await t.storage.secrets.get("c.copy", "n"))?.expose()).toEqual(b("stay"));
    });

    it("lists names per namespace in byte order, with a prefix", async () => {
      const names = ["b", "a", "a/1", "a/2", "é", "😀", "\uFFFF", "z"];
      await t.storage.transaction(async (tx) => {
        for (const n of names) await tx.secrets.put("c.list", n, Secret.from(b(n)));
        await tx.secrets.put("c.list2", "other", Secret.from(b("x")));
      });
      expect(await t.storage.secrets.list("c.list")).toEqual([...names].sort(byteOrder));
      expect(await t.storage.secrets.list("c.list", "a/")).toEqual(["a/1", "a/2"]);
      expect(await t.storage.secrets.list("c.list2")).toEqual(["other"]);
      expect(await t.storage.secrets.list("c.none")).toEqual([]);
      expect(await t.storage.secrets.has("c.list2", "a")).toBe(false);
    });

    it("validates names and values at the boundary", async () => {
      await expect(t.storage.secrets.put("c.v", "n", b("raw") as unknown as Secret)).rejects.toBeInstanceOf(
        TypeError,
      );
      await expect(t.storage.secrets.put("", "n", Secret.from(b("x")))).rejects.toBeInstanceOf(RangeError);
      await expect(t.storage.secrets.get("c.v", "")).rejects.toBeInstanceOf(RangeError);
      await expect(t.storage.secrets.get("c.v", "a\u0000")).rejects.toBeInstanceOf(RangeError);
      await expect(t.storage.secrets.list("c.v", "\uDC00")).rejects.toBeInstanceOf(RangeError);
    });

    it("stores only sealed bytes: the backend row never holds the plaintext", async () => {
      const plain = b("plaintext-marker-7f3a9c");
      await t.storage.secrets.put("c.sealed", "n", Secret.from(plain));
      const row = await (t.storage as SealedStorage).raw.direct.secretGet("c.sealed", "n");
      expect(row).toBeDefined();
      expect(Buffer.from(row?.sealed ?? []).includes(Buffer.from(plain))).toBe(false);
      expect(row?.sealed.length).toBe(plain.length + 12 + 16);
    });

    it("keeps concurrent transactional writers' secrets, and survives a reopen", async () => {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          t.storage.transaction(async (tx) => {
            await tx.secrets.put("c.par", `n${i}`, Secret.from(b(`v${i}`)));
            await tx.state.put("c.par", `n${i}`, b("meta"));
          }),
        ),
      );
      const again = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
      try {
        expect(await again.secrets.list("c.par")).toHaveLength(12);
        expect((await again.secrets.get("c.par", "n7"))?.expose()).toEqual(b("v7"));
      } finally {
        await again.close();
      }
    });
  });
}
