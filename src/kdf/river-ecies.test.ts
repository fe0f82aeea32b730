// river-v1 known answers (River's own KAT + vectors from the independent Python implementation next to this
// file) and live cross-checks against that implementation in both directions.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { ed25519PublicToX25519 } from "../crypto/x25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import {
  decryptSecretForMember,
  encryptSecretForKnownMembers,
  encryptSecretForMember,
  type RiverEncryptedSecret,
} from "./river-ecies.js";

// Output of `python3 src/kdf/river-ecies.vectors.py` (Python `cryptography` 48.0.0 + Debian b3sum 1.2.0).
// The first vector is also River's published known answer (freenet/river common/src/ecies.rs,
// `encrypt_secret_for_member_known_answer`: ciphertext ae3a2f82…, ephemeral 19f806d1…).
const VECTORS = [
  {
    memberSeed: "0303030303030303030303030303030303030303030303030303030303030303",
    memberVerifyingKey: "ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1",
    secret: "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a",
    recipientX25519: "75e270df2952c57ba8367ba8618c178f9fe50db2799d304e74e918d985686146",
    ciphertext:
      "ae3a2f82fc8982c6014649b76c19ea0920d0eaf9bf8f2690ddf7dd70bda39bc54d829d924dc0afb8621639430515c78d",
    nonce: "000000000000000000000000",
    ephemeralPublicKey: "19f806d18ca5b14914ebd6831cf896369030b1e9c8c36ae60f7156317021aa12",
  },
  {
    memberSeed: "0707070707070707070707070707070707070707070707070707070707070707",
    memberVerifyingKey: "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
    secret: "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d",
    recipientX25519: "761d88ec830413919dfe9d4d1d56f17e653c8c994082df5b137b90a0ae6edf74",
    ciphertext:
      "6e3204a643d78fb08c6e643d687fc50604ed88203b3ccbacadb74dfe2469d7b4901a4b569842ea6a3202e193a63b7b3f",
    nonce: "000000000000000000000000",
    ephemeralPublicKey: "89da2f2a5a8c84907c6c191152b12e49a16928c4e9dd6e6e29d760223d45b75c",
  },
  {
    memberSeed: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    memberVerifyingKey: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
    secret: "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",
    recipientX25519: "4701d08488451f545a409fb58ae3e58581ca40ac3f7f114698cd71deac73ca01",
    ciphertext:
      "a238454eef52bce077df129cd085b319c409c11f7ab089ca9b5507e2378f8c676fbb7edb4086cacd8c74f206b6412ec2",
    nonce: "000000000000000000000000",
    ephemeralPublicKey: "fc5c0cda76c3b262f66c2a5308264e6e239537a18d4dfa1263bc22cd17ca8d09",
  },
];

// The eight small-order Ed25519 encodings (the torsion subgroup, as in libsodium's blocklist).
const SMALL_ORDER_ED = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
];

function hexOf(e: RiverEncryptedSecret): Record<string, string> {
  return {
    ciphertext: bytesToHex(e.ciphertext),
    nonce: bytesToHex(e.nonce),
    ephemeralPublicKey: bytesToHex(e.ephemeralPublicKey),
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof KeywardError ? err.code : (err as Error).name;
  }
  return undefined;
}

const SCRIPT = fileURLToPath(new URL("./river-ecies.vectors.py", import.meta.url));
// The oracles are required, never optional: a missing tool fails here instead of skipping (.ci/run installs them).
const missingOracles = [
  spawnSync("python3", ["-c", "import cryptography"]).status === 0 ? "" : "python3 with cryptography",
  spawnSync("b3sum", ["--version"]).status === 0 ? "" : "b3sum",
].filter((m) => m !== "");

function python(jobs: object[]): Record<string, string>[] {
  const r = spawnSync("python3", [SCRIPT, "batch"], { input: JSON.stringify(jobs), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>[];
}

describe("river-v1 known answers", () => {
  for (const v of VECTORS) {
    it(`matches the independent vector for seed ${v.memberSeed.slice(0, 8)}…`, () => {
      const seed = hexToBytes(v.memberSeed);
      const vk = hexToBytes(v.memberVerifyingKey);
      expect(bytesToHex(ed25519PublicKey(seed))).toBe(v.memberVerifyingKey);
      expect(bytesToHex(ed25519PublicToX25519(vk))).toBe(v.recipientX25519);
      const enc = encryptSecretForMember(hexToBytes(v.secret), vk);
      expect(hexOf(enc)).toEqual({
        ciphertext: v.ciphertext,
        nonce: v.nonce,
        ephemeralPublicKey: v.ephemeralPublicKey,
      });
      expect(bytesToHex(decryptSecretForMember(enc, seed))).toBe(v.secret);
    });
  }

  it("the batch form gives the same bytes for every vector", () => {
    for (const v of VECTORS) {
      const [enc] = encryptSecretForKnownMembers(hexToBytes(v.secret), [hexToBytes(v.memberVerifyingKey)]);
      expect(bytesToHex(enc!.ciphertext)).toBe(v.ciphertext);
      expect(bytesToHex(enc!.ephemeralPublicKey)).toBe(v.ephemeralPublicKey);
    }
    const [small] = SMALL_ORDER_ED;
    expect(codeOf(() => encryptSecretForKnownMembers(new Uint8Array(32), [hexToBytes(small!)]))).toBe(
      "invalid_input",
    );
  });

  it("accepts Secret-wrapped inputs without consuming them", () => {
    const v = VECTORS[0]!;
    const secret = Secret.from(hexToBytes(v.secret));
    const seed = Secret.from(hexToBytes(v.memberSeed));
    const enc = encryptSecretForMember(secret, hexToBytes(v.memberVerifyingKey));
    expect(bytesToHex(enc.ciphertext)).toBe(v.ciphertext);
    expect(bytesToHex(decryptSecretForMember(enc, seed))).toBe(v.secret);
    expect(secret.wiped).toBe(false);
  });
});

describe("river-v1 refusals", () => {
  const v = VECTORS[0]!;
  const enc = (): RiverEncryptedSecret => ({
    ciphertext: hexToBytes(v.ciphertext),
    nonce: hexToBytes(v.nonce),
    ephemeralPublicKey: hexToBytes(v.ephemeralPublicKey),
  });

  it("rejects every small-order Ed25519 member key with invalid_input naming the field", () => {
    for (const hex of SMALL_ORDER_ED) {
      expect(() => encryptSecretForMember(hexToBytes(v.secret), hexToBytes(hex))).toThrow(
        /memberVerifyingKey is a small-order/,
      );
      expect(codeOf(() => encryptSecretForMember(hexToBytes(v.secret), hexToBytes(hex)))).toBe(
        "invalid_input",
      );
    }
  });

  it("rejects a y that is not on the curve and a non-canonical y", () => {
    // y = 2: (y²−1)/(d·y²+1) is a non-square mod p (checked with Python's pow(a, (p−1)/2, p)).
    const notOnCurve = new Uint8Array(32);
    notOnCurve[0] = 2;
    expect(() => encryptSecretForMember(hexToBytes(v.secret), notOnCurve)).toThrow(
      /memberVerifyingKey is not a valid Ed25519 point/,
    );
    // y = p + 1 encodes the point y = 1 non-canonically.
    const nonCanonical = hexToBytes("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    expect(codeOf(() => encryptSecretForMember(hexToBytes(v.secret), nonCanonical))).toBe("invalid_input");
  });

  it("rejects small-order, non-canonical and twist ephemeral keys naming the field", () => {
    const bad = [
      "0000000000000000000000000000000000000000000000000000000000000000", // u = 0 (order 2)
      "0100000000000000000000000000000000000000000000000000000000000000", // u = 1 (order 4)
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8 (RFC 7748 blocklist)
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // u = p − 1 (order 4)
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // u = p (non-canonical 0)
      "19f806d18ca5b14914ebd6831cf896369030b1e9c8c36ae60f7156317021aa92", // top bit set
      "0200000000000000000000000000000000000000000000000000000000000000", // u = 2 lies on the twist
    ];
    for (const hex of bad) {
      const e = { ...enc(), ephemeralPublicKey: hexToBytes(hex) };
      expect(() => decryptSecretForMember(e, hexToBytes(v.memberSeed))).toThrow(/ephemeralPublicKey/);
      expect(codeOf(() => decryptSecretForMember(e, hexToBytes(v.memberSeed)))).toBe("invalid_input");
    }
  });

  it("fails cleanly with decrypt_failed on any tampered byte or the wrong member", () => {
    const seed = hexToBytes(v.memberSeed);
    for (let i = 0; i < 48; i++) {
      const e = enc();
      e.ciphertext[i]! ^= 0x01;
      expect(codeOf(() => decryptSecretForMember(e, seed))).toBe("decrypt_failed");
    }
    const n = enc();
    n.nonce[3] = 9;
    expect(codeOf(() => decryptSecretForMember(n, seed))).toBe("decrypt_failed");
    expect(codeOf(() => decryptSecretForMember(enc(), hexToBytes(VECTORS[1]!.memberSeed)))).toBe(
      "decrypt_failed",
    );
  });

  it("asserts types and lengths at the boundary", () => {
    expect(() => encryptSecretForMember(new Uint8Array(31), hexToBytes(v.memberVerifyingKey))).toThrow(
      /secret must be 32 bytes/,
    );
    expect(() => encryptSecretForMember(hexToBytes(v.secret), new Uint8Array(33))).toThrow(RangeError);
    expect(() =>
      decryptSecretForMember({ ...enc(), ciphertext: new Uint8Array(47) }, new Uint8Array(32)),
    ).toThrow(/encrypted.ciphertext must be 48 bytes/);
    expect(() => decryptSecretForMember(null as never, new Uint8Array(32))).toThrow(TypeError);
    expect(() => decryptSecretForMember(enc(), "seed" as never)).toThrow(/memberSeed must be a Uint8Array/);
  });
});

describe("river-v1 properties", () => {
  it("round-trips and is deterministic for any secret and member", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (secret, seed) => {
          const vk = ed25519PublicKey(seed);
          const a = encryptSecretForMember(secret, vk);
          expect(hexOf(encryptSecretForMember(secret, vk))).toEqual(hexOf(a));
          expect(bytesToHex(decryptSecretForMember(a, seed))).toBe(bytesToHex(secret));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("river-v1 against the independent Python implementation", () => {
  it("has its independent oracles installed", () => {
    expect(missingOracles, "install the missing oracles (see .ci/run)").toEqual([]);
  });

  it("Python decrypts ours, we decrypt Python's, and both encrypt identically", () => {
    const cases = Array.from({ length: 12 }, () => ({ seed: randomBytes(32), secret: randomBytes(32) }));
    const pubs = python(cases.map((c) => ({ op: "publicKey", seed: bytesToHex(c.seed) })));
    const vks = pubs.map((p) => hexToBytes(p.publicKey!));
    const ours = cases.map((c, i) => encryptSecretForMember(c.secret, vks[i]!));
    const theirs = python(
      cases.map((c, i) => ({
        op: "encrypt",
        secret: bytesToHex(c.secret),
        memberVerifyingKey: bytesToHex(vks[i]!),
      })),
    );
    const decrypted = python(
      cases.map((c, i) => ({ op: "decrypt", ...hexOf(ours[i]!), memberSeed: bytesToHex(c.seed) })),
    );
    for (const [i, c] of cases.entries()) {
      expect(hexOf(ours[i]!)).toEqual(theirs[i]);
      expect(decrypted[i]).toEqual({ secret: bytesToHex(c.secret) });
      const t = theirs[i]!;
      const back = decryptSecretForMember(
        {
          ciphertext: hexToBytes(t.ciphertext),
          nonce: hexToBytes(t.nonce),
          ephemeralPublicKey: hexToBytes(t.ephemeralPublicKey),
        },
        c.seed,
      );
      expect(bytesToHex(back)).toBe(bytesToHex(c.secret));
    }
  });

  it("Python also refuses a blob we consider tampered", () => {
    const v = VECTORS[2]!;
    const ct = hexToBytes(v.ciphertext);
    ct[40]! ^= 0x80;
    const [r] = python([
      {
        op: "decrypt",
        ciphertext: bytesToHex(ct),
        nonce: v.nonce,
        ephemeralPublicKey: v.ephemeralPublicKey,
        memberSeed: v.memberSeed,
      },
    ]);
    expect(r).toEqual({ error: "decrypt_failed" });
  });
});
