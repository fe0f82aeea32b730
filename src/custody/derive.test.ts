// Custody derivations against vectors computed outside our code (b3sum + Python `cryptography`).
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { deriveIdentitySeed, firstValid, identityAddress, schemePublicKey } from "./derive.js";

// Produced by /tmp/kwvec/vec.py (kept in docs/custody.md): subkey(ctx, ikm, parts…) computed as
//   root = b3sum --raw --derive-key CTX < ikm ;  out = b3sum --raw --keyed data < root
// with data = Σ u32le(len(p)) ‖ p, and public keys from Python cryptography (Ed25519/X25519 from_private_bytes,
// ec.derive_private_key(SECP256K1) compressed).
const PARTITION_ID = hexToBytes("000102030405060708090a0b0c0d0e0f");
const ADDRESS = "e30f79b052ec84d42ee49b02e961808385f7682d5da727ccfd19c6704b85d8f3";
const MSK = new Uint8Array(32).fill(0x42);
const VECTORS = [
  ["", 0, "ed25519", "ba3150201d104cf865076294e2a441cb06bca055946812bbcb7df495455b0803"],
  ["", 1, "ed25519", "c6e53a0097fc9f110096f7ef6cf3a555b3083cb6972ef96500a08dcbdf33dabb"],
  ["agent-1", 0, "ed25519", "3ce1e8c1d8eaf10d5776238187865289ead18cf322bc37f2f59e92bdf70806d9"],
  ["agent-1", 1, "ed25519", "2782a55432fa18bf28572b33de498924a88808f55bf618c7f7db07a8bbd4e804"],
  ["", 0, "secp256k1", "02e127ea637cd48dddcb901e18f000fa2322835e7e3fe8788ae6b22e919fe22f98"],
  ["", 0, "x25519", "b4c0ec51dd600278ba1d46eb5daccaa477b7938e39831d34f2b721745b473767"],
] as const;

describe("identityAddress", () => {
  it("matches the b3sum vector", () => {
    expect(bytesToHex(identityAddress(PARTITION_ID, "email:alice@example.com"))).toBe(ADDRESS);
  });

  it("depends on the partition and the identity only", () => {
    const other = hexToBytes("ff0102030405060708090a0b0c0d0e0f");
    expect(bytesToHex(identityAddress(other, "email:alice@example.com"))).not.toBe(ADDRESS);
    expect(bytesToHex(identityAddress(PARTITION_ID, "email:bob@example.com"))).not.toBe(ADDRESS);
  });

  it("rejects a wrong-length partition id", () => {
    expect(() => identityAddress(new Uint8Array(15), "email:a@b.co")).toThrow(RangeError);
  });
});

describe("deriveIdentitySeed", () => {
  it.each(VECTORS)("label %j generation %i %s matches Python", (label, generation, scheme, expected) => {
    const seed = deriveIdentitySeed(MSK, hexToBytes(ADDRESS), label, generation, scheme);
    expect(bytesToHex(schemePublicKey(scheme, seed))).toBe(expected);
  });

  it("validates its inputs", () => {
    const a = hexToBytes(ADDRESS);
    expect(() => deriveIdentitySeed(new Uint8Array(31), a, "", 0, "ed25519")).toThrow(RangeError);
    expect(() => deriveIdentitySeed(MSK, a, "", -1, "ed25519")).toThrow(RangeError);
    expect(() => deriveIdentitySeed(MSK, a, "", 2 ** 32, "ed25519")).toThrow(RangeError);
    expect(() => deriveIdentitySeed(MSK, a, "", 0, "rsa" as never)).toThrow(RangeError);
  });
});

describe("firstValid (secp256k1 scalar re-derivation)", () => {
  it("skips and wipes rejected candidates deterministically", () => {
    const made: Uint8Array[] = [];
    const out = firstValid(
      (i) => {
        const c = new Uint8Array(32).fill(i + 1);
        made.push(c);
        return c;
      },
      (c) => c[0] === 3,
    );
    expect(out[0]).toBe(3);
    expect(made[0]!.every((b) => b === 0)).toBe(true);
    expect(made[1]!.every((b) => b === 0)).toBe(true);
  });

  it("gives up with an internal error instead of looping forever", () => {
    expect(() =>
      firstValid(
        () => new Uint8Array(32),
        () => false,
      ),
    ).toThrow(/no valid key candidate/);
  });
});
