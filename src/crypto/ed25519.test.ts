// Ed25519 wrappers: Wycheproof (every valid accepted, every invalid rejected) and RFC 8032 known answers.
import { createPublicKey, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./bytes.js";
import {
  ed25519PrivateKeyObject,
  ed25519PublicKey,
  ed25519ScratchIsZero,
  ed25519Sign,
  ed25519Verify,
} from "./ed25519.js";
import { field, readVectors, type WycheproofFile, wycheproofCases } from "./test-vectors.js";

type Group = { publicKey: { pk: string } };
const cases = wycheproofCases(readVectors<WycheproofFile<Group>>("wycheproof_ed25519_test.json"));

describe("Ed25519 Wycheproof (wycheproof_ed25519_test.json)", () => {
  it("has no 'acceptable' case (nothing to decide) and covers the whole file", () => {
    expect(cases.length).toBe(151);
    expect(cases.filter((c) => c.test.result === "acceptable")).toEqual([]);
  });

  for (const { group, test } of cases) {
    it(`tc ${test.tcId} ${test.result} [${test.flags.join(",")}] ${test.comment}`, () => {
      const ok = ed25519Verify(
        hexToBytes(group.publicKey.pk),
        hexToBytes(field(test, "msg")),
        hexToBytes(field(test, "sig")),
      );
      expect(ok).toBe(test.result === "valid");
    });
  }
});

// RFC 8032 §7.1 TEST 1 and TEST 2, re-checked with Python `cryptography`:
//   python3 -c "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; \
//     k=K.from_private_bytes(bytes.fromhex(SEED)); print(k.public_key().public_bytes_raw().hex(), k.sign(bytes.fromhex(MSG)).hex())"
const RFC8032 = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

describe("Ed25519 RFC 8032 known answers", () => {
  for (const [i, v] of RFC8032.entries()) {
    it(`TEST ${i + 1}: public key, signature (seed and cached KeyObject), verification`, () => {
      const seed = hexToBytes(v.seed);
      expect(bytesToHex(ed25519PublicKey(seed))).toBe(v.pub);
      expect(bytesToHex(ed25519Sign(seed, hexToBytes(v.msg)))).toBe(v.sig);
      expect(bytesToHex(ed25519Sign(ed25519PrivateKeyObject(seed), hexToBytes(v.msg)))).toBe(v.sig);
      expect(ed25519Verify(hexToBytes(v.pub), hexToBytes(v.msg), hexToBytes(v.sig))).toBe(true);
      expect(ed25519Verify(hexToBytes(v.pub), hexToBytes("ff"), hexToBytes(v.sig))).toBe(false);
    });
  }

  it("returns false for wrong-length signatures and non-point keys; throws for malformed arguments", () => {
    const v = RFC8032[0]!;
    const pub = hexToBytes(v.pub);
    expect(ed25519Verify(pub, new Uint8Array(0), hexToBytes(v.sig).subarray(0, 63))).toBe(false);
    // y = 2 is not on the curve (x² has no square root), so this 32-byte string is not a public key.
    const notPoint = new Uint8Array(32);
    notPoint[0] = 2;
    expect(ed25519Verify(notPoint, new Uint8Array(0), hexToBytes(v.sig))).toBe(false);
    expect(() => ed25519Verify(new Uint8Array(31), new Uint8Array(0), hexToBytes(v.sig))).toThrow(RangeError);
    expect(() => ed25519Verify(pub, "m" as unknown as Uint8Array, hexToBytes(v.sig))).toThrow(TypeError);
    expect(() => ed25519Sign(new Uint8Array(31), new Uint8Array(0))).toThrow(/seed must be 32 bytes/);
  });
});

describe("Ed25519 seed signing (libsodium) against OpenSSL", () => {
  it("matches OpenSSL's signature and public key for any seed and message, and leaves no key bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (seed, message) => {
          const key = ed25519PrivateKeyObject(seed);
          const signature = ed25519Sign(seed, message);
          expect(ed25519ScratchIsZero()).toBe(true);
          expect(bytesToHex(signature)).toBe(bytesToHex(ed25519Sign(key, message)));
          const spki = createPublicKey(key).export({ format: "der", type: "spki" });
          expect(bytesToHex(ed25519PublicKey(seed))).toBe(bytesToHex(spki.subarray(12)));
          expect(ed25519ScratchIsZero()).toBe(true);
          expect(verify(null, message, createPublicKey(key), signature)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects a seed that is not 32 bytes or not bytes, naming the parameter", () => {
    expect(() => ed25519Sign(new Uint8Array(33), new Uint8Array(0))).toThrow(RangeError);
    expect(() => ed25519Sign("seed" as unknown as Uint8Array, new Uint8Array(0))).toThrow(/seed/);
    expect(() => ed25519PublicKey(new Uint8Array(0))).toThrow(/seed must be 32 bytes/);
    expect(ed25519ScratchIsZero()).toBe(true);
  });
});
