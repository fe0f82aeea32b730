// Data-key rotation and re-sealing on SQLite and the real Postgres server: every secret moves to the new key
// with its value intact, concurrent changes are never overwritten, and a tampered secret stops its batch.
import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../crypto/secret.js";
import { sealedParts } from "../open.js";
import { TEST_BACKENDS, type TestStorage } from "../testing.js";
import { dataKeyStatus, resealSecrets, rotateDataKey } from "./data-keys.js";

const opened: TestStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});

const value = (i: number) => Secret.from(new Uint8Array(32).fill(i % 256));

for (const [backend, open] of TEST_BACKENDS) {
  describe(`data keys on ${backend}`, () => {
    it("rotate adds v2 for new secrets; reseal moves every old secret to v2 with its value intact", async () => {
      const t = await open();
      opened.push(t);
      for (let i = 0; i < 25; i++) await t.storage.secrets.put("dk", `s${i}`, value(i));
      const parts = sealedParts(t.storage);
      expect(await dataKeyStatus(parts)).toEqual({ active: 1, versions: [1], secrets: { 1: 25 } });
      expect(await rotateDataKey(parts, { key: t.key })).toBe(2);
      await t.storage.secrets.put("dk", "new", value(99));
      expect(await dataKeyStatus(parts)).toEqual({ active: 2, versions: [1, 2], secrets: { 1: 25, 2: 1 } });
      const progress: [number, number][] = [];
      const r = await resealSecrets(parts, {
        batch: 10,
        onProgress: (d, n) => {
          progress.push([d, n]);
        },
      });
      expect(r).toEqual({ active: 2, resealed: 25, skipped: 0 });
      expect(progress).toEqual([
        [0, 25],
        [10, 25],
        [20, 25],
        [25, 25],
      ]);
      expect((await dataKeyStatus(parts)).secrets).toEqual({ 2: 26 });
      for (let i = 0; i < 25; i++) expect((await t.storage.secrets.get("dk", `s${i}`))?.expose()[0]).toBe(i);
      // Nothing left to do: a second run is a no-op.
      expect(await resealSecrets(parts)).toEqual({ active: 2, resealed: 0, skipped: 0 });
    });

    it("a secret rewritten or deleted after the scan is left as its writer left it", async () => {
      const t = await open();
      opened.push(t);
      for (let i = 0; i < 4; i++) await t.storage.secrets.put("dk", `s${i}`, value(i));
      const parts = sealedParts(t.storage);
      await rotateDataKey(parts, { key: t.key });
      let first = true;
      const r = await resealSecrets(parts, {
        batch: 1,
        onProgress: async (done) => {
          if (done !== 1 || !first) return;
          first = false;
          // Between batches (after the scan read every row): another writer replaces s2 and deletes s3.
          await t.storage.secrets.put("dk", "s2", value(42));
          await t.storage.secrets.delete("dk", "s3");
        },
      });
      expect(r.resealed + r.skipped).toBe(4);
      expect(r.skipped).toBe(2);
      expect((await t.storage.secrets.get("dk", "s2"))?.expose()[0]).toBe(42);
      expect(await t.storage.secrets.get("dk", "s3")).toBeUndefined();
      expect(Object.keys((await dataKeyStatus(parts)).secrets)).toEqual(["2"]);
    });

    it("refuses wrong unseal material, and a tampered secret fails its batch (decrypt_failed)", async () => {
      const t = await open();
      opened.push(t);
      const parts = sealedParts(t.storage);
      await expect(rotateDataKey(parts, { key: new Uint8Array(32).fill(1) })).rejects.toMatchObject({
        code: "unseal_failed",
      });
      await t.storage.secrets.put("dk", "a", value(1));
      const row = await parts.raw.direct.secretGet("dk", "a");
      const sealed = Uint8Array.from(row!.sealed);
      sealed[sealed.length - 1]! ^= 1;
      await parts.raw.direct.secretPut("dk", "a", { keyVersion: row!.keyVersion, sealed });
      await rotateDataKey(parts, { key: t.key });
      await expect(resealSecrets(parts)).rejects.toMatchObject({ code: "decrypt_failed" });
      expect((await parts.raw.direct.secretGet("dk", "a"))?.keyVersion).toBe(1);
      await expect(resealSecrets(parts, { batch: 0 })).rejects.toThrow(RangeError);
    });
  });
}
