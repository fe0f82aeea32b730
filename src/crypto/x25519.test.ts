// X25519 wrappers: Wycheproof (with its flags honoured), RFC 7748 and the Ed25519 → X25519 conversions.
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./bytes.js";
import { ed25519PublicKey } from "./ed25519.js";
import { field, readVectors, type WycheproofFile, wycheproofCases } from "./test-vectors.js";
import { ed25519PublicToX25519, ed25519SeedToX25519, x25519PublicKey, x25519SharedSecret } from "./x25519.js";

const cases = wycheproofCases(readVectors<WycheproofFile>("wycheproof_x25519_test.json"));

// Policy for Wycheproof's "acceptable" cases (documented in docs/wire-format.md, "Primitives"):
// - a result of all zeros (flag ZeroSharedSecret: low-order or small public keys) is REFUSED — the wrapper
//   returns undefined, so no caller can ever use a zero key;
// - every other acceptable case (twist points, non-canonical u ≥ p, …) is ACCEPTED with RFC 7748's result
//   (the top bit is masked and u is reduced mod p), which must equal the file's shared secret.
describe("X25519 Wycheproof (wycheproof_x25519_test.json)", () => {
  it("covers the whole file; every ZeroSharedSecret case expects zeros; no case is 'invalid'", () => {
    expect(cases.length).toBe(518);
    for (const { test } of cases) {
      if (test.flags.includes("ZeroSharedSecret")) expect(field(test, "shared")).toBe("00".repeat(32));
      expect(test.result).not.toBe("invalid");
    }
  });

  for (const { test } of cases) {
    it(`tc ${test.tcId} ${test.result} [${test.flags.join(",")}] ${test.comment}`, () => {
      const shared = x25519SharedSecret(
        hexToBytes(field(test, "private")),
        hexToBytes(field(test, "public")),
      );
      if (test.flags.includes("ZeroSharedSecret") || test.flags.includes("LowOrderPublic")) {
        expect(shared).toBeUndefined();
      } else {
        expect(shared && bytesToHex(shared)).toBe(field(test, "shared"));
      }
    });
  }
});

// RFC 7748 §6.1, re-checked with Python `cryptography`:
//   python3 -c "from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as X; \
//     a=X.from_private_bytes(bytes.fromhex(A)); b=X.from_private_bytes(bytes.fromhex(B)); \
//     print(a.public_key().public_bytes_raw().hex(), b.public_key().public_bytes_raw().hex(), a.exchange(b.public_key()).hex())"
describe("X25519 RFC 7748 and Ed25519 conversions", () => {
  it("RFC 7748 §6.1 Diffie-Hellman", () => {
    const a = hexToBytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const b = hexToBytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const aPub = x25519PublicKey(a);
    const bPub = x25519PublicKey(b);
    expect(bytesToHex(aPub)).toBe("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    expect(bytesToHex(bPub)).toBe("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const expected = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(bytesToHex(x25519SharedSecret(a, bPub)!)).toBe(expected);
    expect(bytesToHex(x25519SharedSecret(b, aPub)!)).toBe(expected);
  });

  // RFC 8032 TEST 1 seed. Expected: python3 -c "import hashlib; from cryptography.hazmat.primitives.asymmetric.x25519 \
  //   import X25519PrivateKey as X; h=bytearray(hashlib.sha512(bytes.fromhex(SEED)).digest()[:32]); h[0]&=248; \
  //   h[31]=(h[31]&127)|64; print(bytes(h).hex(), X.from_private_bytes(bytes(h)).public_key().public_bytes_raw().hex())"
  it("Ed25519 seed → clamped X25519 scalar and verifying key → Montgomery u agree with Python", () => {
    const seed = hexToBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    expect(bytesToHex(ed25519SeedToX25519(seed))).toBe(
      "307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f",
    );
    expect(bytesToHex(ed25519PublicToX25519(ed25519PublicKey(seed)))).toBe(
      "d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e",
    );
  });

  it("rejects wrong lengths and non-points", () => {
    expect(() => x25519SharedSecret(new Uint8Array(32), new Uint8Array(31))).toThrow(
      /publicKey must be 32 bytes/,
    );
    expect(() => x25519PublicKey(new Uint8Array(33))).toThrow(RangeError);
    const notPoint = new Uint8Array(32);
    notPoint[0] = 2;
    expect(() => ed25519PublicToX25519(notPoint)).toThrow(RangeError);
    expect(() => ed25519PublicToX25519(notPoint)).toThrow(/verifyingKey is not a valid Ed25519 point/);
  });
});
