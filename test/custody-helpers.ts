// Test helpers for custody: a Custody with its audit log over a real test storage, and a pinned partition.
import { hexToBytes } from "../src/crypto/bytes.js";
import { Secret } from "../src/crypto/secret.js";
import { MSK_NAMESPACE, mskName, partitions } from "../src/custody/records.js";
import { type CustodyService, createCustody } from "../src/service/custody.js";
import type { Storage } from "../src/store/ports.js";

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
 * Creates partition `name` and pins its id and epoch-1 MSK to known bytes (for vectors computed outside our
 * code). Only valid before any path of the partition is used.
 */
export async function pinPartition(
  service: CustodyService,
  storage: Storage,
  name: string,
  id: string,
  msk: Uint8Array,
): Promise<void> {
  hexToBytes(id, "id", 16);
  await service.custody.createPartition(name);
  const rec = await partitions.get(storage.state, name);
  await partitions.put(storage.state, name, { ...rec!, id });
  await storage.secrets.put(MSK_NAMESPACE, mskName(name, 1), Secret.from(msk));
}
