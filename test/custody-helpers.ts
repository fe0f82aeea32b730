// Test helpers for custody: a Custody with its audit log over a real test storage (fresh per test), a pinned
// partition for the outside vectors, and the independent Ed25519 check (node:crypto) the custody suites verify signatures with.
import { createPublicKey, verify } from "node:crypto";
import { afterEach } from "vitest";
import { hexToBytes } from "../src/crypto/bytes.js";
import { Secret } from "../src/crypto/secret.js";
import { MSK_NAMESPACE, mskName, partitions } from "../src/custody/records.js";
import { type CustodyService, createCustody } from "../src/service/custody.js";
import type { Storage } from "../src/store/ports.js";
import { openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

/** The identity most custody tests use, in partition "acme" (as `custodyPerTest` creates it). */
export const alice = { partition: "acme", identity: "email:alice@example.com" } as const;

/**
 * Independent Ed25519 verification: the raw public key wrapped as SPKI (RFC 8410 prefix) and checked by
 * node:crypto, never by keyward's own code.
 */
export function nodeVerifyEd25519(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  const spki = Buffer.concat([
    Buffer.from("302a300506032b6570032100", "hex"),
    Buffer.from(publicKeyHex, "hex"),
  ]);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  return verify(null, message, key, Buffer.from(signatureHex, "hex"));
}

/**
 * Call at a test file's top level: returns an opener of fresh test storages (SQLite unless `open` says
 * otherwise), each cleaned up after the test that opened it.
 */
export function storesPerTest(
  open: () => Promise<TestStorage> = openTestSqliteStorage,
): () => Promise<TestStorage> {
  const stores: TestStorage[] = [];
  afterEach(async () => {
    for (const t of stores.splice(0)) await t.cleanup();
  });
  return async () => {
    const t = await open();
    stores.push(t);
    return t;
  };
}

/**
 * Call at a test file's top level: returns `setup()`, which opens a fresh SQLite store (cleaned up after the
 * test), creates test custody over it (`testCustody`) and partition "acme".
 */
export function custodyPerTest() {
  const store = storesPerTest();
  return async () => {
    const t = await store();
    const service = await testCustody(t.storage);
    await service.custody.createPartition("acme");
    return { ...service, t, storage: t.storage };
  };
}

/**
 * Creates custody over `storage`, recording every private-key buffer it hands out in `keyBuffers` so a test
 * can check they were wiped.
 */
export async function testCustody(storage: Storage): Promise<CustodyService & { keyBuffers: Uint8Array[] }> {
  const keyBuffers: Uint8Array[] = [];
  const service = await createCustody(storage, {
    actor: "test",
    observeKeyMaterial: (b) => keyBuffers.push(b),
  });
  return { ...service, keyBuffers };
}

/**
 * Test custody (`testCustody`) over `storage` with partition `name` created and pinned to the bytes the outside
 * vectors use (python3 src/custody/*.vectors.py, b3sum): id 00 01 … 0f and epoch-1 MSK 32 × 0x42. Only valid
 * before any path of the partition is used.
 */
export async function pinnedCustody(
  storage: Storage,
  name = "pinned",
): Promise<CustodyService & { keyBuffers: Uint8Array[] }> {
  const id = "000102030405060708090a0b0c0d0e0f";
  hexToBytes(id, "id", 16);
  const service = await testCustody(storage);
  await service.custody.createPartition(name);
  const rec = await partitions.get(storage.state, name);
  await partitions.put(storage.state, name, { ...rec!, id });
  await storage.secrets.put(MSK_NAMESPACE, mskName(name, 1), Secret.from(new Uint8Array(32).fill(0x42)));
  return service;
}
