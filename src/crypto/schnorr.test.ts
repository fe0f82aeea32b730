// BIP-340 wrappers against the official bitcoin/bips test-vectors.csv (every row), and BIP-341 key-path tweaks.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8 } from "./bytes.js";
import {
  schnorrPublicKey,
  schnorrSign,
  schnorrVerify,
  taprootTweakPrivateKey,
  taprootTweakPublicKey,
} from "./schnorr.js";
import { VECTORS_DIR } from "./test-vectors.js";

const rows = readFileSync(`${VECTORS_DIR}bip340_test_vectors.csv`, "utf8")
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => {
    const [index, sk, pk, aux, msg, sig, result, comment] = line.split(",");
    return { index, sk, pk, aux, msg, sig, valid: result === "TRUE", comment: comment ?? "" };
  });

describe("BIP-340 test-vectors.csv", () => {
  it("covers every row of the file", () => {
    expect(rows.length).toBe(19);
  });
  for (const r of rows) {
    it(`#${r.index} ${r.valid ? "valid" : "invalid"} ${r.comment}`, () => {
      const pk = hexToBytes(r.pk!.toLowerCase());
      const msg = hexToBytes(r.msg!.toLowerCase());
      const sig = hexToBytes(r.sig!.toLowerCase());
      if (r.sk) {
        const sk = hexToBytes(r.sk.toLowerCase());
        expect(bytesToHex(schnorrPublicKey(sk))).toBe(r.pk!.toLowerCase());
        const mine = schnorrSign(sk, msg, hexToBytes(r.aux!.toLowerCase()));
        expect(bytesToHex(mine)).toBe(r.sig!.toLowerCase());
      }
      expect(schnorrVerify(pk, msg, sig)).toBe(r.valid);
    });
  }
});

describe("BIP-340 wrapper boundaries", () => {
  const sk = hexToBytes("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
  it("signs with fresh randomness by default (two signatures differ, both verify)", () => {
    const a = schnorrSign(sk, utf8("m"));
    const b = schnorrSign(sk, utf8("m"));
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
    expect(schnorrVerify(schnorrPublicKey(sk), utf8("m"), a)).toBe(true);
    expect(schnorrVerify(schnorrPublicKey(sk), utf8("m"), b)).toBe(true);
  });
  it("returns false for wrong lengths, throws TypeError / RangeError naming the parameter", () => {
    expect(schnorrVerify(new Uint8Array(33), utf8("m"), new Uint8Array(64))).toBe(false);
    expect(schnorrVerify(schnorrPublicKey(sk), utf8("m"), new Uint8Array(63))).toBe(false);
    expect(() => schnorrVerify("x" as never, utf8("m"), new Uint8Array(64))).toThrow(/publicKey/);
    expect(() => schnorrSign(new Uint8Array(31), utf8("m"))).toThrow(RangeError);
    expect(() => schnorrSign(new Uint8Array(32), utf8("m"))).toThrow(/out of range/);
    expect(() => schnorrSign(sk, utf8("m"), new Uint8Array(31))).toThrow(/auxRand/);
  });
});

// BIP-341 key-path: a signature by the tweaked secret key verifies under the tweaked output key. The output key
// of BIP-86's first test account is the independent oracle (bitcoin/bips bip-0086.mediawiki, account 0/0/0).
describe("Taproot tweak (BIP-341)", () => {
  it("matches BIP-86's first receiving address key (internal → output key)", () => {
    const internal = hexToBytes("cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115");
    const { outputKey } = taprootTweakPublicKey(internal);
    expect(bytesToHex(outputKey)).toBe("a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c");
  });
  it("the tweaked secret key signs for the output key, with and without a merkle root", () => {
    const sk = hexToBytes("0000000000000000000000000000000000000000000000000000000000000003");
    for (const root of [new Uint8Array(0), new Uint8Array(32).fill(7)]) {
      const tsk = taprootTweakPrivateKey(sk, root);
      const { outputKey } = taprootTweakPublicKey(schnorrPublicKey(sk), root);
      expect(bytesToHex(schnorrPublicKey(tsk))).toBe(bytesToHex(outputKey));
      expect(schnorrVerify(outputKey, utf8("spend"), schnorrSign(tsk, utf8("spend")))).toBe(true);
    }
    expect(() => taprootTweakPublicKey(new Uint8Array(32).fill(0xff))).toThrow(/internalKey/);
    expect(() => taprootTweakPrivateKey(sk, new Uint8Array(5))).toThrow(/merkleRoot/);
  });
});
