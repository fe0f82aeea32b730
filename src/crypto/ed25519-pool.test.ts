// Ed25519SignPool: worker signatures byte-identical to inline ones (checked by @noble/curves), wiped slots,
// close and crash failing pending signatures without hanging, inline fallback, and no process kept alive.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ed25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex, wipe } from "./bytes.js";
import { ed25519Sign } from "./ed25519.js";
import { Ed25519SignPool } from "./ed25519-pool.js";

const pools: Ed25519SignPool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});
function pool(options?: ConstructorParameters<typeof Ed25519SignPool>[0]): Ed25519SignPool {
  const p = new Ed25519SignPool({ workers: 1, ...options });
  pools.push(p);
  return p;
}

/** A worker that dies on its first request, as a crash would (an uncaught exception or an exit). */
const CRASHING = {
  throws: `import("node:worker_threads").then((w) => w.parentPort.on("message", () => { throw new Error("boom"); }));`,
  exits: `import("node:worker_threads").then((w) => w.parentPort.on("message", () => process.exit(3)));`,
};

const seeds = (n: number) => Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i + 1));

describe("Ed25519SignPool", () => {
  it("signs byte-identically to ed25519Sign on a worker, signatures @noble/curves verifies, slots wiped", async () => {
    const p = pool();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 })),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.boolean(),
        async (pairs, help) => {
          const pending = pairs.map(([seed, message]) => {
            const copy = Uint8Array.from(seed);
            const signature = p.sign(copy, message);
            wipe(copy); // the caller's copy goes right away: the pool holds its own, in a shared slot
            return signature;
          });
          p.flush();
          if (help) p.help(); // this thread takes what the worker has not started (the race of either order)
          const signatures = await Promise.all(pending);
          for (const [i, [seed, message]] of pairs.entries()) {
            expect(bytesToHex(signatures[i]!)).toBe(bytesToHex(ed25519Sign(seed, message)));
            expect(ed25519.verify(signatures[i]!, message, ed25519.getPublicKey(seed))).toBe(true);
          }
          expect(p.seedSlotsAreZero()).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    expect(p.workers).toBe(1);
    expect(p.active).toBe(true);
  });

  it("sends a chunk on the next turn without flush, and signs inline beyond its slots or with 0 workers", async () => {
    const p = pool({ slots: 2 });
    const message = new TextEncoder().encode("m");
    const all = await Promise.all(seeds(5).map((s) => p.sign(s, message)));
    expect(all.map(bytesToHex)).toEqual(seeds(5).map((s) => bytesToHex(ed25519Sign(s, message))));
    expect(p.seedSlotsAreZero()).toBe(true);
    const inline = pool({ workers: 0 });
    expect(inline.active).toBe(false);
    expect(bytesToHex(await inline.sign(seeds(1)[0]!, message))).toBe(
      bytesToHex(ed25519Sign(seeds(1)[0]!, message)),
    );
    expect(inline.workers).toBe(0);
  });

  it("validates its options and arguments, naming the parameter", () => {
    expect(() => new Ed25519SignPool({ workers: -1 })).toThrow(/options\.workers/);
    expect(() => new Ed25519SignPool({ workers: 1.5 })).toThrow(TypeError);
    expect(() => new Ed25519SignPool({ slots: 0 })).toThrow(/options\.slots/);
    const p = pool();
    expect(() => p.sign(new Uint8Array(31), new Uint8Array(0))).toThrow(/seed must be 32 bytes/);
    expect(() => p.sign(new Uint8Array(32), "m" as unknown as Uint8Array)).toThrow(/message/);
  });

  it("close() while signing rejects the pending signatures (unavailable), wipes the slots, then signs inline", async () => {
    const p = pool();
    const big = new Uint8Array(1 << 20); // ~1 ms of hashing each: the worker is still busy when close() comes
    const pending = seeds(64).map((s) => p.sign(s, big));
    p.flush();
    p.close();
    const settled = await Promise.allSettled(pending);
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "unavailable" });
    expect(p.seedSlotsAreZero()).toBe(true);
    expect(p.active).toBe(false);
    expect(p.workers).toBe(0);
    const message = new TextEncoder().encode("after");
    expect(bytesToHex(await p.sign(seeds(1)[0]!, message))).toBe(
      bytesToHex(ed25519Sign(seeds(1)[0]!, message)),
    );
  });

  for (const [how, source] of Object.entries(CRASHING))
    it(`a worker that crashes (${how}) fails its pending signatures with a clear error; later ones are inline`, async () => {
      const p = pool({ workerSource: source });
      const message = new TextEncoder().encode("m");
      const pending = seeds(12).map((s) => p.sign(s, message));
      p.flush();
      const settled = await Promise.allSettled(pending);
      for (const s of settled) {
        expect(s.status).toBe("rejected");
        const reason = (s as PromiseRejectedResult).reason as Error & { code: string };
        expect(reason.code).toBe("internal");
        expect(reason.message).toMatch(/sign worker stopped .*signing continues inline/);
      }
      expect(p.active).toBe(false);
      expect(p.workers).toBe(0);
      const after = await Promise.all(seeds(3).map((s) => p.sign(s, message)));
      expect(after.map(bytesToHex)).toEqual(seeds(3).map((s) => bytesToHex(ed25519Sign(s, message))));
      expect(new Set(after.map(bytesToHex)).size).toBe(3);
    });

  it("does not keep the process alive once its signatures are done (a script that never closes it exits)", () => {
    const module = join(import.meta.dirname, "ed25519-pool.ts");
    const script = `import { Ed25519SignPool } from ${JSON.stringify(module)};
const pool = new Ed25519SignPool({ workers: 1 });
const signature = await pool.sign(new Uint8Array(32).fill(7), new Uint8Array(3));
console.log(pool.workers, signature.length);`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(out.trim()).toBe("1 64");
  });
});
