// River's room secret: River's own KATs and keyward's, computed with Debian's b3sum (never with this code),
// plus properties (determinism, every input bit matters) and boundary checks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { deriveRoomSecret } from "./room-secret.js";

const CTX = "river-rotate v1 2026-04 room-secret-root";
// Ed25519 verifying key of the seed [1u8; 32] (River's KAT owner), from Python `cryptography`:
//   python3 -c "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K; \
//     print(K.from_private_bytes(bytes([1]*32)).public_key().public_bytes_raw().hex())"
const VK_ONE = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
// Same for the all-zero seed (the README example's owner).
const VK_ZERO = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";

// Each expected value was produced by (SEED, OWNER as hex; VERSION_LE = 4 bytes little-endian as hex):
//   ROOT=$(printf %s "$SEED" | xxd -r -p | b3sum --no-names --derive-key "river-rotate v1 2026-04 room-secret-root")
//   printf %s "$OWNER$VERSION_LE" | xxd -r -p > msg.bin
//   printf %s "$ROOT" | xxd -r -p | b3sum --no-names --keyed msg.bin
// (the same steps in Python: `python3 src/kdf/kdf.vectors.py`). The first three are River's own KATs
// (river-core key_derivation.rs: derive_known_answer_v1_*), which b3sum reproduces byte for byte.
const KATS: { name: string; seed: string; owner: string; version: number; secret: string }[] = [
  {
    name: "River KAT: zero seed, version 0",
    seed: "00".repeat(32),
    owner: VK_ONE,
    version: 0,
    secret: "dd189cce079374856eb7a201618e5886a1e9e5598b33340843002cbb9091e1a9",
  },
  {
    name: "River KAT: zero seed, version 0x01020304 (little-endian lock)",
    seed: "00".repeat(32),
    owner: VK_ONE,
    version: 0x01020304,
    secret: "aa8f7d5ab5158466787228d68854f65d39ace313078f29a9fbad887970d3fe67",
  },
  {
    name: "River KAT: all-0xFF seed, version 0",
    seed: "ff".repeat(32),
    owner: VK_ONE,
    version: 0,
    secret: "60b5600b12fcaa0c52da765995f69cb3eb5437d56753c024976719f1e4317e87",
  },
  {
    name: "README example: zero seed with its own verifying key, version 0",
    seed: "00".repeat(32),
    owner: VK_ZERO,
    version: 0,
    secret: "22168c10b93139f8dc023907fc5595126c5380421bde7b74ef2622837e5b28d3",
  },
  {
    name: "0x11 seed, 0x22 owner, version 2^32-1",
    seed: "11".repeat(32),
    owner: "22".repeat(32),
    version: 0xffffffff,
    secret: "810f20f3d728f9431b19be28ba994a07502d205ccf92991d18275b6dc850bf83",
  },
];

describe("deriveRoomSecret known answers (b3sum)", () => {
  it(`uses River's context string "${CTX}"`, () => {
    expect(CTX).toBe("river-rotate v1 2026-04 room-secret-root");
  });
  for (const k of KATS) {
    it(k.name, () => {
      const out = deriveRoomSecret(hexToBytes(k.seed), hexToBytes(k.owner), k.version);
      expect(bytesToHex(out)).toBe(k.secret);
    });
  }
});

describe("deriveRoomSecret properties", () => {
  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const version = fc.integer({ min: 0, max: 0xffffffff });

  it("is deterministic and leaves its inputs untouched", () => {
    fc.assert(
      fc.property(bytes32, bytes32, version, (seed, owner, v) => {
        const s0 = bytesToHex(seed);
        const o0 = bytesToHex(owner);
        const a = bytesToHex(deriveRoomSecret(seed, owner, v));
        expect(bytesToHex(deriveRoomSecret(seed.slice(), owner.slice(), v))).toBe(a);
        expect(bytesToHex(seed)).toBe(s0);
        expect(bytesToHex(owner)).toBe(o0);
      }),
      { numRuns: 100 },
    );
  });

  it("every bit of seed, owner and version changes the output", () => {
    fc.assert(
      fc.property(bytes32, bytes32, version, fc.nat(32 * 8 * 2 + 32 - 1), (seed, owner, v, bit) => {
        const base = bytesToHex(deriveRoomSecret(seed, owner, v));
        if (bit < 256) {
          const s = seed.slice();
          s[bit >> 3] = (s[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          expect(bytesToHex(deriveRoomSecret(s, owner, v))).not.toBe(base);
        } else if (bit < 512) {
          const o = owner.slice();
          const b = bit - 256;
          o[b >> 3] = (o[b >> 3] ?? 0) ^ (1 << (b & 7));
          expect(bytesToHex(deriveRoomSecret(seed, o, v))).not.toBe(base);
        } else {
          const flipped = (v ^ (1 << (bit - 512))) >>> 0;
          expect(bytesToHex(deriveRoomSecret(seed, owner, flipped))).not.toBe(base);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("does not confuse the owner and version axes (River's input-ordering lock)", () => {
    const seed = new Uint8Array(32).fill(7);
    const a = hexToBytes(VK_ONE);
    const b = hexToBytes(VK_ZERO);
    expect(bytesToHex(deriveRoomSecret(seed, a, 1))).not.toBe(bytesToHex(deriveRoomSecret(seed, b, 0)));
    expect(bytesToHex(deriveRoomSecret(seed, a, 0))).not.toBe(bytesToHex(deriveRoomSecret(seed, b, 1)));
  });
});

describe("deriveRoomSecret boundary", () => {
  it("rejects wrong lengths, types and out-of-range versions naming the parameter", () => {
    const z = new Uint8Array(32);
    expect(() => deriveRoomSecret(new Uint8Array(31), z, 0)).toThrow(/seed must be 32 bytes/);
    expect(() => deriveRoomSecret(z, new Uint8Array(33), 0)).toThrow(/ownerVerifyingKey must be 32 bytes/);
    expect(() => deriveRoomSecret("00" as unknown as Uint8Array, z, 0)).toThrow(TypeError);
    expect(() => deriveRoomSecret(z, z, -1)).toThrow(RangeError);
    expect(() => deriveRoomSecret(z, z, 2 ** 32)).toThrow(RangeError);
    expect(() => deriveRoomSecret(z, z, 1.5)).toThrow(TypeError);
    expect(() => deriveRoomSecret(z, z, "1" as unknown as number)).toThrow(/version must be an integer/);
  });
});
