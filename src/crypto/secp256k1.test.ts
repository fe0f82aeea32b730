// secp256k1 wrappers: Wycheproof ECDSA-SHA-256 with DER signatures, and Ethereum (EIP-191) known answers.
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8 } from "./bytes.js";
import { keccak256 } from "./hash.js";
import {
  eip191Digest,
  eip191Sign,
  evmAddress,
  secp256k1PublicKey,
  secp256k1Recover,
  secp256k1SignDigest,
  secp256k1VerifyDerSha256,
  secp256k1VerifyDigest,
} from "./secp256k1.js";
import { field, readVectors, type WycheproofFile, wycheproofCases } from "./test-vectors.js";

type Group = { publicKey: { uncompressed: string } };
const cases = wycheproofCases(
  readVectors<WycheproofFile<Group>>("wycheproof_ecdsa_secp256k1_sha256_test.json"),
);

// Plain ECDSA semantics: high-S signatures are valid here (Wycheproof expects that); BER/non-minimal DER,
// r or s out of [1, n), and malformed encodings are invalid. The file has no 'acceptable' case.
describe("secp256k1 ECDSA-SHA-256 DER Wycheproof", () => {
  it("covers the whole file; no 'acceptable' case", () => {
    expect(cases.length).toBe(476);
    expect(cases.filter((c) => c.test.result === "acceptable")).toEqual([]);
  });
  for (const { group, test } of cases) {
    it(`tc ${test.tcId} ${test.result} [${test.flags.join(",")}] ${test.comment}`, () => {
      const ok = secp256k1VerifyDerSha256(
        hexToBytes(group.publicKey.uncompressed),
        hexToBytes(field(test, "msg")),
        hexToBytes(field(test, "sig")),
      );
      expect(ok).toBe(test.result === "valid");
    });
  }
});

// web3.js documentation example (web3.eth.accounts.sign("Some data", PRIVATE_KEY)): address, messageHash
// and signature are the published values.
const WEB3 = {
  privateKey: "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
  address: "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23",
  messageHash: "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655",
  signature:
    "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",
};

describe("secp256k1 Ethereum known answers", () => {
  const pk = hexToBytes(WEB3.privateKey);
  it("EVM address, EIP-191 digest and signature (r‖s‖v, v ∈ {27,28})", () => {
    expect(evmAddress(secp256k1PublicKey(pk))).toBe(WEB3.address);
    expect(evmAddress(secp256k1PublicKey(pk, false))).toBe(WEB3.address);
    expect(bytesToHex(eip191Digest(utf8("Some data")))).toBe(WEB3.messageHash);
    expect(bytesToHex(eip191Sign(pk, utf8("Some data")))).toBe(WEB3.signature);
  });

  it("recovers the signer and verifies low-S digests; wrong digest or key → false", () => {
    const digest = keccak256(utf8("keyward"));
    const sig = secp256k1SignDigest(pk, digest);
    expect(sig.length).toBe(65);
    const pub = secp256k1PublicKey(pk);
    expect(secp256k1VerifyDigest(pub, digest, sig)).toBe(true);
    expect(secp256k1VerifyDigest(pub, digest, sig.subarray(0, 64))).toBe(true);
    expect(secp256k1VerifyDigest(pub, keccak256(utf8("other")), sig)).toBe(false);
    expect(secp256k1VerifyDigest(pub, digest, sig.subarray(0, 63))).toBe(false);
    expect(bytesToHex(secp256k1Recover(digest, sig)!)).toBe(bytesToHex(secp256k1PublicKey(pk, false)));
    const web3Sig = hexToBytes(WEB3.signature);
    expect(evmAddress(secp256k1Recover(hexToBytes(WEB3.messageHash), web3Sig)!)).toBe(WEB3.address);
    const badV = web3Sig.slice();
    badV[64] = 5;
    expect(secp256k1Recover(hexToBytes(WEB3.messageHash), badV)).toBeUndefined();
  });

  it("names the parameter on malformed input", () => {
    expect(() => secp256k1SignDigest(pk, new Uint8Array(31))).toThrow(/digest must be 32 bytes/);
    expect(() => secp256k1PublicKey(new Uint8Array(31))).toThrow(/privateKey must be 32 bytes/);
  });
});
