// RotationPool: the multi-threaded build gives exactly the records of the single-threaded one.
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { buildMemberRecords } from "./member-records.js";
import { PARALLEL_THRESHOLD, RotationPool } from "./rotation-pool.js";

describe("RotationPool", () => {
  it("builds the same records with worker threads as on one thread, in member order", async () => {
    const seed = new Uint8Array(32).fill(3);
    const room = ed25519PublicKey(seed);
    const members = Array.from({ length: PARALLEL_THRESHOLD + 77 }, (_, i) => {
      const s = new Uint8Array(32);
      new DataView(s.buffer).setUint32(0, i + 1, true);
      return bytesToHex(ed25519PublicKey(s));
    });
    const pool = new RotationPool(2);
    try {
      const parallel = await pool.build(seed, room, 5, members);
      expect(parallel).toEqual(buildMemberRecords(seed, room, 5, members));
      expect(seed.some((b) => b !== 0)).toBe(true); // the caller's seed is not wiped by the pool
    } finally {
      await pool.close();
    }
  });

  it("refuses a thread count out of range", () => {
    expect(() => new RotationPool(0)).toThrow(RangeError);
  });
});
