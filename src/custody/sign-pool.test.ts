// Custody with its Ed25519 sign pool: batched signatures made on the worker verify, keys are wiped, a batch's
// entries commit before any caller is answered, and a crashed or closed pool never fails or hangs a signature.
import { describe, expect, it, onTestFinished } from "vitest";
import { alice, nodeVerifyEd25519, storesPerTest } from "../../test/custody-helpers.js";
import { Ed25519SignPool } from "../crypto/ed25519-pool.js";
import { openAuditLog } from "../service/audit.js";
import { createCustody } from "../service/custody.js";
import type { Storage } from "../store/ports.js";
import { SIGN_POOL_THRESHOLD } from "./batch-signer.js";

const store = storesPerTest();
const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messages = (n: number, tag = "m") => Array.from({ length: n }, (_, i) => enc.encode(`${tag} ${i}`));

/**
 * Test custody over `storage` with `signPool`, recording every private-key buffer it hands out; `beforeAppend`
 * runs before the audit entries of each batch (or lone request) are appended, i.e. while a batch's signatures
 * are on the worker.
 */
async function custodyWith(
  storage: Storage,
  signPool: number | Ed25519SignPool,
  beforeAppend: (entries: number) => Promise<unknown> | undefined = () => undefined,
) {
  const keyBuffers: Uint8Array[] = [];
  const log = await openAuditLog(storage);
  const audit = {
    append: log.append.bind(log),
    appendMany: async (...args: Parameters<typeof log.appendMany>) => {
      await beforeAppend(args[1].length);
      return log.appendMany(...args);
    },
  };
  const service = await createCustody(storage, {
    actor: "test",
    signPool,
    audit: audit as never,
    observeKeyMaterial: (b) => keyBuffers.push(b),
  });
  await service.custody.createPartition("acme");
  return {
    ...service,
    audit: log,
    keyBuffers,
    close: () => {
      service.close();
      log.close();
    },
  };
}

describe("Custody.sign with the sign pool", () => {
  it("signs a batch on the worker: every signature verifies, every seed and slot is wiped, one entry each", async () => {
    const t = await store();
    const pool = new Ed25519SignPool({ workers: 1 });
    try {
      const { custody, audit, keyBuffers, close } = await custodyWith(t.storage, pool);
      const { publicKey } = await custody.key(alice);
      const before = (await audit.verify()).entries;
      const batch = messages(64);
      const signed = await custody.signMany(alice, batch);
      const single = messages(40, "single");
      const concurrent = await Promise.all(single.map((m) => custody.sign(alice, m)));
      expect(pool.workers).toBe(1); // the batches went to the worker
      for (const [i, s] of signed.entries())
        expect(nodeVerifyEd25519(publicKey, batch[i]!, s.signature)).toBe(true);
      for (const [i, s] of concurrent.entries())
        expect(nodeVerifyEd25519(publicKey, single[i]!, s.signature)).toBe(true);
      expect(keyBuffers.length).toBeGreaterThanOrEqual(104);
      expect(keyBuffers.every((b) => b.every((x) => x === 0))).toBe(true);
      expect(pool.seedSlotsAreZero()).toBe(true);
      const after = await audit.verify();
      expect(after.ok).toBe(true);
      expect(after.entries - before).toBe(104);
      close();
    } finally {
      pool.close();
    }
  });

  it("answers no caller of a pooled batch before the batch's transaction (entries included) committed", async () => {
    const t = await store();
    let commits = 0;
    // The commit is reported a while after the storage's transaction returns: a caller answered from inside
    // the transaction (before its entry is durable) would see commits === 0.
    const storage: Storage = Object.create(t.storage, {
      transaction: {
        value: async <T>(fn: Parameters<Storage["transaction"]>[0]) => {
          const out = (await t.storage.transaction(fn)) as T;
          await new Promise((r) => setTimeout(r, 20));
          commits++;
          return out;
        },
      },
    });
    const pool = new Ed25519SignPool({ workers: 1 });
    try {
      const { custody, audit, close } = await custodyWith(storage, pool);
      await custody.key(alice);
      const base = commits;
      const seen: number[] = [];
      const batch = messages(SIGN_POOL_THRESHOLD * 4);
      await Promise.all(batch.map((m) => custody.sign(alice, m).then(() => seen.push(commits - base))));
      expect(pool.workers).toBe(1);
      expect(seen).toHaveLength(batch.length);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
      expect((await audit.verify()).ok).toBe(true);
      close();
    } finally {
      pool.close();
    }
  });

  it("a sign worker that crashes fails only its batch: every caller is still signed (inline) and audited once", async () => {
    const t = await store();
    // Takes the slots of each request it gets, then dies before signing any (an answer only when it took none).
    const crashing = `import("node:worker_threads").then(({ parentPort, workerData }) => {
  const states = new Int32Array(workerData.states);
  parentPort.on("message", (req) => {
    let took = 0;
    for (const slot of req.slots) if (Atomics.compareExchange(states, slot, 1, 2) === 1) took++;
    if (took > 0) setTimeout(() => process.exit(9), 20);
    else parentPort.postMessage(req.id);
  });
});`;
    const pool = new Ed25519SignPool({ workers: 1, workerSource: crashing });
    try {
      let pause = 0; // ms before a batch's entries are appended: time for the worker to take its slots
      const { custody, audit, close } = await custodyWith(t.storage, pool, (n) =>
        n > 1 ? sleep(pause) : undefined,
      );
      const { publicKey } = await custody.key(alice);
      const before = (await audit.verify()).entries;
      const batch = messages(32);
      // The first batch starts the worker; this thread signs it all while the worker boots.
      const first = await custody.signMany(alice, batch);
      await sleep(200); // the worker is up and answered the first batch's requests (it took no slot)
      expect(pool.active).toBe(true);
      pause = 100;
      const signed = await Promise.all(batch.map((m) => custody.sign(alice, m)));
      expect(pool.active).toBe(false);
      expect(pool.workers).toBe(0);
      for (const [i, s] of signed.entries())
        expect(nodeVerifyEd25519(publicKey, batch[i]!, s.signature)).toBe(true);
      expect(signed.map((s) => s.signature)).toEqual(first.map((s) => s.signature));
      expect(pool.seedSlotsAreZero()).toBe(true);
      const after = await audit.verify();
      expect(after.ok).toBe(true);
      expect(after.entries - before).toBe(64); // the failed batch committed nothing
      close();
    } finally {
      pool.close();
    }
  });

  it("close() during a pooled batch never hangs it: the pool's signatures fail, each message is signed alone", async () => {
    const t = await store();
    let closeNow = () => {};
    // Custody is closed while the batch's entries are appended, i.e. while the worker signs.
    const {
      custody,
      audit: log,
      close,
    } = await custodyWith(t.storage, 1, () => {
      closeNow();
      return undefined;
    });
    onTestFinished(close);
    const { publicKey } = await custody.key(alice);
    const before = (await log.verify()).entries;
    closeNow = () => custody.close(); // custody's own pool stops; the audit log stays open
    const batch = messages(64);
    const settled = await Promise.race([
      Promise.allSettled([custody.signMany(alice, batch)]),
      new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000)),
    ]);
    expect(settled).not.toBe("hung");
    // The worker was still starting: the batch's signatures pending on it failed (unavailable), so the batch
    // committed nothing and each message was signed again alone, inline.
    const [outcome] = settled as PromiseSettledResult<{ signature: string }[]>[];
    expect(outcome!.status).toBe("fulfilled");
    const signed = (outcome as PromiseFulfilledResult<{ signature: string }[]>).value;
    for (const [i, s] of signed.entries())
      expect(nodeVerifyEd25519(publicKey, batch[i]!, s.signature)).toBe(true);
    const verified = await log.verify();
    expect(verified.ok).toBe(true);
    expect(verified.entries - before).toBe(64);
  });

  it("rejects a signPool option that is neither a pool nor a worker count, naming it", async () => {
    const t = await store();
    await expect(createCustody(t.storage, { signPool: -1 })).rejects.toThrow(/options\.signPool/);
    await expect(createCustody(t.storage, { signPool: "2" as never })).rejects.toThrow(TypeError);
  });
});
