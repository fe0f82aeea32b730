// Sealing: unseal failures, tampered and moved ciphertexts, root-key and data-key rotation, the on-disk format.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gcm } from "@noble/ciphers/aes.js";
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex, concatBytes, hexToBytes, u32le, utf8 } from "../../crypto/bytes.js";
import { Secret } from "../../crypto/secret.js";
import { openStorage } from "../open.js";
import type { RawSecretRow } from "../raw.js";
import type { SealedStorage } from "../sealed-storage.js";
import { openTestSqliteStorage, type TestStorage } from "../testing.js";
import { newNonce, secretAad } from "./keyring.js";
import { deriveRootKey } from "./root-key.js";
import { addDataKey, initializeSealing, rotateRootKey, unsealKeyring } from "./unseal.js";

const b = (s: string) => utf8(s);
let t: TestStorage | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function fresh(): Promise<{ t: TestStorage; s: SealedStorage }> {
  t = await openTestSqliteStorage();
  return { t, s: t.storage as SealedStorage };
}

async function rows(s: SealedStorage): Promise<Map<string, RawSecretRow>> {
  const out = new Map<string, RawSecretRow>();
  for await (const r of s.raw.direct.secretScanAll()) out.set(`${r.namespace}/${r.name}`, r.row);
  return out;
}

describe("root key derivation (independent vectors)", () => {
  it("scrypt of a passphrase matches Python's hashlib.scrypt", () => {
    // python3 -c "import hashlib; print(hashlib.scrypt(b'correct horse battery staple', salt=bytes(range(16)),
    //   n=2**15, r=8, p=1, maxmem=2**26, dklen=32).hex())"
    const key = deriveRootKey(
      { passphrase: "correct horse battery staple" },
      { kind: "scrypt", salt: "000102030405060708090a0b0c0d0e0f", N: 1 << 15, r: 8, p: 1 },
    );
    expect(bytesToHex(key)).toBe("7a8e34241db898d59175c696538c417467a975ffe569068425f16188d3159c58");
  });

  it("a key file's bytes go through BLAKE3 derive_key, matching b3sum", () => {
    // python3 -c "import sys; sys.stdout.buffer.write(bytes(range(32)))" |
    //   b3sum --derive-key "keyward v1 root-key-file" --no-names
    const key = deriveRootKey({ key: Uint8Array.from({ length: 32 }, (_, i) => i) }, { kind: "key" });
    expect(bytesToHex(key)).toBe("e13b9ae88b64b6ecf0c73d384c8246f8ee6c64d7b0536356ee76c437600cf353");
  });
});

describe("secret AAD and nonces", () => {
  it("the AAD is the documented length-prefixed layout (vector from Python)", () => {
    // python3 -c "import struct; print((b'keyward v1 secret-aad'+struct.pack('<I',2)+b'ns'+struct.pack('<I',2)
    //   +'é'.encode()+struct.pack('<I',7)).hex())"
    expect(bytesToHex(secretAad("ns", "é", 7))).toBe(
      "6b657977617264207631207365637265742d616164020000006e7302000000c3a907000000",
    );
  });

  it("nonces stay unique across pool refills", () => {
    const seen = new Set(Array.from({ length: 5000 }, () => bytesToHex(newNonce())));
    expect(seen.size).toBe(5000);
  });
});

describe("unsealing", () => {
  it("refuses a wrong passphrase with unseal_failed and opens with the right one", async () => {
    const { t } = await fresh();
    const db = `sqlite:${join(t.dir, "pass.db")}`;
    const first = await openStorage({ db, unseal: { passphrase: "right one" }, createIfMissing: true });
    await first.secrets.put("ns", "n", Secret.from(b("v")));
    await first.close();
    await expect(openStorage({ db, unseal: { passphrase: "wrong one" } })).rejects.toMatchObject({
      code: "unseal_failed",
    });
    await expect(openStorage({ db, unseal: { key: t.key } })).rejects.toMatchObject({
      code: "unseal_failed",
    });
    const again = await openStorage({ db, unseal: { passphrase: "right one" } });
    expect((await again.secrets.get("ns", "n"))?.expose()).toEqual(b("v"));
    await again.close();
  });

  it("refuses a wrong, missing or malformed key file with unseal_failed, never echoing its content", async () => {
    const { t } = await fresh();
    const wrong = join(t.dir, "wrong.key");
    writeFileSync(wrong, `${"ab".repeat(32)}\n`);
    const malformed = join(t.dir, "bad.key");
    writeFileSync(malformed, "not-hex-secretish");
    for (const keyFile of [wrong, malformed, join(t.dir, "missing.key")]) {
      const err = await openStorage({ db: t.dbUrl, unseal: { keyFile } }).catch((e) => e);
      expect(err.code).toBe("unseal_failed");
      expect(err.message).not.toContain("secretish");
      expect(err.message).not.toContain("abab");
    }
    await expect(openStorage({ db: t.dbUrl, unseal: { passphrase: "x" } })).rejects.toMatchObject({
      code: "unseal_failed",
    });
  });

  it("reports an uninitialised store as not_initialized and refuses to initialise twice", async () => {
    const { t, s } = await fresh();
    const db = `sqlite:${join(t.dir, "empty.db")}`;
    await expect(openStorage({ db, unseal: { key: t.key } })).rejects.toMatchObject({
      code: "not_initialized",
    });
    await expect(initializeSealing(s.raw, { key: t.key })).rejects.toMatchObject({ code: "already_exists" });
  });
});

describe("sealed secrets", () => {
  it("a tampered, truncated or re-versioned ciphertext fails with decrypt_failed, never garbage", async () => {
    const { s } = await fresh();
    await s.secrets.put("ns", "n", Secret.from(b("the value")));
    const row = (await s.raw.direct.secretGet("ns", "n")) as RawSecretRow;
    for (let i = 0; i < row.sealed.length; i += 5) {
      const sealed = Uint8Array.from(row.sealed);
      sealed[i]! ^= 0x01;
      await s.raw.direct.secretPut("ns", "n", { keyVersion: row.keyVersion, sealed });
      await expect(s.secrets.get("ns", "n")).rejects.toMatchObject({ code: "decrypt_failed" });
    }
    for (const bad of [
      { keyVersion: row.keyVersion, sealed: row.sealed.subarray(0, 20) },
      { keyVersion: row.keyVersion, sealed: new Uint8Array(0) },
      { keyVersion: row.keyVersion + 1, sealed: row.sealed },
    ]) {
      await s.raw.direct.secretPut("ns", "n", bad);
      await expect(s.secrets.get("ns", "n")).rejects.toMatchObject({ code: "decrypt_failed" });
    }
  });

  it("a ciphertext moved or swapped to another name or namespace fails with decrypt_failed", async () => {
    const { s } = await fresh();
    await s.secrets.put("ns", "a", Secret.from(b("A")));
    await s.secrets.put("ns", "b", Secret.from(b("B")));
    const a = (await s.raw.direct.secretGet("ns", "a")) as RawSecretRow;
    const bRow = (await s.raw.direct.secretGet("ns", "b")) as RawSecretRow;
    await s.raw.direct.secretPut("ns", "copy", a);
    await s.raw.direct.secretPut("other", "a", a);
    await s.raw.direct.secretPut("ns", "a", bRow);
    await s.raw.direct.secretPut("ns", "b", a);
    for (const [ns, name] of [
      ["ns", "copy"],
      ["other", "a"],
      ["ns", "a"],
      ["ns", "b"],
    ] as const) {
      await expect(s.secrets.get(ns, name)).rejects.toMatchObject({ code: "decrypt_failed" });
    }
    // A name/namespace boundary shift must not alias: ("ns/x","y") vs ("ns","x/y").
    expect(bytesToHex(secretAad("ns/x", "y", 1))).not.toBe(bytesToHex(secretAad("ns", "x/y", 1)));
  });

  it("uses the documented format: nonce(12) ‖ AES-256-GCM(dataKey, aad) — checked with @noble/ciphers", async () => {
    const { t, s } = await fresh();
    await s.secrets.put("ns", "n", Secret.from(b("format check")));
    const row = (await s.raw.direct.secretGet("ns", "n")) as RawSecretRow;
    const rootKey = deriveRootKey({ key: t.key }, { kind: "key" });
    const wrapped = (await s.raw.direct.metaGet("keyring/0000000001")) as Uint8Array;
    const wrapAad = concatBytes(b("keyward v1 keyring-wrap"), u32le(1));
    const dataKey = gcm(rootKey, wrapped.subarray(0, 12), wrapAad).decrypt(wrapped.subarray(12));
    const aad = secretAad("ns", "n", row.keyVersion);
    const plain = gcm(dataKey, row.sealed.subarray(0, 12), aad).decrypt(row.sealed.subarray(12));
    expect(plain).toEqual(b("format check"));
  });
});

describe("secret AAD built in the reused scratch buffer", () => {
  it("a long multibyte name then a short one both seal under the documented AAD (hand-built, @noble/ciphers)", async () => {
    const { t, s } = await fresh();
    const long = "é".repeat(500); // 1,000 UTF-8 bytes: more than the scratch buffer starts with
    await s.secrets.put("ns", long, Secret.from(b("long one")));
    await s.secrets.put("n", "x", Secret.from(b("short one")));
    const rootKey = deriveRootKey({ key: t.key }, { kind: "key" });
    const wrapped = (await s.raw.direct.metaGet("keyring/0000000001")) as Uint8Array;
    const dataKey = gcm(
      rootKey,
      wrapped.subarray(0, 12),
      concatBytes(b("keyward v1 keyring-wrap"), u32le(1)),
    ).decrypt(wrapped.subarray(12));
    const aadOf = (ns: string, name: string) =>
      concatBytes(
        b("keyward v1 secret-aad"),
        u32le(b(ns).length),
        b(ns),
        u32le(b(name).length),
        b(name),
        u32le(1),
      );
    for (const [ns, name, value] of [
      ["ns", long, "long one"],
      ["n", "x", "short one"],
    ] as const) {
      const row = (await s.raw.direct.secretGet(ns, name)) as RawSecretRow;
      expect(
        gcm(dataKey, row.sealed.subarray(0, 12), aadOf(ns, name)).decrypt(row.sealed.subarray(12)),
      ).toEqual(b(value));
      expect((await s.secrets.get(ns, name))?.expose()).toEqual(b(value));
    }
  });
});

describe("rotation", () => {
  it("root-key rotation re-wraps the keyring only: secrets untouched, old material refused, new works", async () => {
    const { t, s } = await fresh();
    for (let i = 0; i < 20; i++) await s.secrets.put("ns", `n${i}`, Secret.from(b(`v${i}`)));
    await addDataKey(s.raw, s.keyring, { key: t.key });
    await s.secrets.put("ns", "after-v2", Secret.from(b("v2")));
    const before = await rows(s);
    const wrappedBefore = await s.raw.direct.metaList("keyring/");
    await rotateRootKey(s.raw, s.keyring, { passphrase: "new root passphrase" });
    expect(await rows(s)).toEqual(before);
    const wrappedAfter = await s.raw.direct.metaList("keyring/");
    expect(wrappedAfter.map((w) => w.key)).toEqual(wrappedBefore.map((w) => w.key));
    for (const [i, w] of wrappedAfter.entries()) expect(w.value).not.toEqual(wrappedBefore[i]!.value);
    await expect(unsealKeyring(s.raw, { key: t.key })).rejects.toMatchObject({ code: "unseal_failed" });
    const again = await openStorage({ db: t.dbUrl, unseal: { passphrase: "new root passphrase" } });
    expect((await again.secrets.get("ns", "n7"))?.expose()).toEqual(b("v7"));
    expect((await again.secrets.get("ns", "after-v2"))?.expose()).toEqual(b("v2"));
    await again.close();
  });

  it("data-key rotation seals new secrets under the new version and keeps old ones readable", async () => {
    const { t, s } = await fresh();
    await s.secrets.put("ns", "old", Secret.from(b("old")));
    expect(await addDataKey(s.raw, s.keyring, { key: t.key })).toBe(2);
    await s.secrets.put("ns", "new", Secret.from(b("new")));
    expect((await s.raw.direct.secretGet("ns", "old"))?.keyVersion).toBe(1);
    expect((await s.raw.direct.secretGet("ns", "new"))?.keyVersion).toBe(2);
    await expect(addDataKey(s.raw, s.keyring, { key: hexToBytes("11".repeat(32)) })).rejects.toMatchObject({
      code: "unseal_failed",
    });
    const again = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    expect((await again.secrets.get("ns", "old"))?.expose()).toEqual(b("old"));
    expect((await again.secrets.get("ns", "new"))?.expose()).toEqual(b("new"));
    await again.close();
  });
});

describe("rotation races", () => {
  it("root-key rotation refuses when another instance added a data key it does not know", async () => {
    const { t, s } = await fresh();
    const other = (await openStorage({ db: t.dbUrl, unseal: { key: t.key } })) as SealedStorage;
    await addDataKey(other.raw, other.keyring, { key: t.key });
    await other.close();
    await expect(rotateRootKey(s.raw, s.keyring, { passphrase: "p" })).rejects.toMatchObject({
      code: "conflict",
    });
    const again = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    await again.close();
  });
});

describe("several instances sharing one keyring", () => {
  it("an instance picks up a data key another instance added, reads its secrets and seals with it", async () => {
    const { t, s } = await fresh();
    const other = (await openStorage({ db: t.dbUrl, unseal: { key: t.key } })) as SealedStorage;
    try {
      expect(await addDataKey(other.raw, other.keyring, { key: t.key })).toBe(2);
      await other.secrets.put("ns", "from-other", Secret.from(b("v2 secret")));
      expect(s.keyring.has(2)).toBe(false);
      expect((await s.secrets.get("ns", "from-other"))?.expose()).toEqual(b("v2 secret"));
      await s.secrets.put("ns", "mine", Secret.from(b("mine")));
      expect((await s.raw.direct.secretGet("ns", "mine"))?.keyVersion).toBe(2);
    } finally {
      await other.close();
    }
  });
});
