// Known answers for the delegates wire formats, produced independently by `python3 src/delegates/delegates.vectors.py`
// (b3sum for BLAKE3, Python `cryptography` for Ed25519, a from-the-spec canonical encoder), plus parser properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8 } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { KeywardError } from "../errors/keyward-error.js";
// Through the domain's index: the vectors pin the formats as the package exports them.
import {
  certificateBytes,
  certifyDelegate,
  formatCertificate,
  parseCertificate,
  parseToken,
  revocationBytes,
  rotationBytes,
  signRevocation,
  signRotation,
  TOKEN_PREFIX,
  tokenHash,
  verifyCertificate,
  verifyRevocation,
  verifyRotation,
} from "./index.js";

// python3 src/delegates/delegates.vectors.py — app seed 00 01 … 1f, code "keyward test delegate code v1", params 0102.
const V = {
  appPublicKey: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
  codeHash: "382a3a69e6988800b2a781bdef806d5b56ce964fab4754cbb1e8960e568ebf99",
  delegateKey: "77fc73363fd389140f1454a5fc97b5cdd92d0af1ee2edb2167fef71904e77fc1",
  certificateBytes:
    "1f0000006b6579776172642076312064656c65676174652d63657274696669636174650805000000060000006170704b6579062000000003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b808000000636f6465486173680620000000382a3a69e6988800b2a781bdef806d5b56ce964fab4754cbb1e8960e568ebf990b00000064656c65676174654b6579062000000077fc73363fd389140f1454a5fc97b5cdd92d0af1ee2edb2167fef71904e77fc106000000706172616d73060200000001020700000076657273696f6e030100000000000000",
  certificateSignature:
    "1fba661c58f67f65b8609d2f3936cbba18e4638df99c97362a40d9f0e308d194ba2e60db701912e24e120217ea8456900e49ed996f7556e4bdd2b40fada26003",
  newPublicKey: "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12",
  rotationBytes:
    "1b0000006b657977617264207631206170702d6b65792d726f746174696f6e080400000003000000617070050400000063686174060000006e65774b657906200000002152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db120b00000070726576696f75734b6579062000000003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b80800000073657175656e6365030100000000000000",
  rotationSignature:
    "664e2cb1b827397709869538cae026bacf634af5d0e592ee7d855a953cc4ca3c7b27210a4c5daf0b02284c2cb1c5cc71f13b0590f38e90f5391e3ffe09d77502",
  revocationBytes:
    "1e0000006b6579776172642076312064656c65676174652d7265766f636174696f6e0804000000060000006170704b6579062000000003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b80b00000064656c65676174654b6579062000000077fc73363fd389140f1454a5fc97b5cdd92d0af1ee2edb2167fef71904e77fc106000000726561736f6e0509000000626164206275696c640700000076657273696f6e030100000000000000",
  revocationSignature:
    "a0683491b562dbe0b38b18ec9918b05a2fe46243201a33c415fc88c4ad854b34f0a41159426d206adf572c3ef6e5ec1143d6eeda29fa675e75238c26ce880801",
  // token = 32 × 0x07
  tokenHash: "d487bca6bef330c3f2cc300d0f3b2a3d628a2ff784b91951f7ad9ecf94caadb5",
};

const appSeed = () => Secret.from(Uint8Array.from({ length: 32 }, (_, i) => i));

describe("certificate (known answers)", () => {
  it("certifies to the independent bytes and signature", () => {
    const cert = certifyDelegate(appSeed(), utf8("keyward test delegate code v1"), hexToBytes("0102"), 1);
    expect(bytesToHex(cert.appKey)).toBe(V.appPublicKey);
    expect(bytesToHex(cert.codeHash)).toBe(V.codeHash);
    expect(bytesToHex(cert.delegateKey)).toBe(V.delegateKey);
    expect(bytesToHex(certificateBytes(cert))).toBe(V.certificateBytes);
    expect(bytesToHex(cert.signature)).toBe(V.certificateSignature);
    expect(verifyCertificate(cert)).toBe(true);
  });

  it("returns false for a flipped signature bit, another version or params that do not yield the key", () => {
    const cert = parseCertificate(
      formatCertificate(certifyDelegate(appSeed(), utf8("x"), new Uint8Array(0), 3)),
    );
    const sig = Uint8Array.from(cert.signature);
    sig[10] = (sig[10] ?? 0) ^ 1;
    expect(verifyCertificate({ ...cert, signature: sig })).toBe(false);
    expect(verifyCertificate({ ...cert, version: 4 })).toBe(false);
    expect(verifyCertificate({ ...cert, params: Uint8Array.of(1) })).toBe(false);
  });
});

describe("statements (known answers)", () => {
  const statement = {
    app: "chat",
    sequence: 1,
    previousKey: hexToBytes(V.appPublicKey),
    newKey: hexToBytes(V.newPublicKey),
  };
  it("rotation statement bytes and signature", () => {
    expect(bytesToHex(rotationBytes(statement))).toBe(V.rotationBytes);
    expect(bytesToHex(signRotation(appSeed(), statement))).toBe(V.rotationSignature);
    expect(verifyRotation(statement, hexToBytes(V.rotationSignature))).toBe(true);
    expect(verifyRotation({ ...statement, sequence: 2 }, hexToBytes(V.rotationSignature))).toBe(false);
  });
  it("refuses to sign with a key that is not the statement's previous key", () => {
    expect(() => signRotation(Secret.from(new Uint8Array(32).fill(9)), statement)).toThrow(TypeError);
  });
  it("revocation statement bytes and signature", () => {
    const r = {
      appKey: hexToBytes(V.appPublicKey),
      delegateKey: hexToBytes(V.delegateKey),
      version: 1,
      reason: "bad build",
    };
    expect(bytesToHex(revocationBytes(r))).toBe(V.revocationBytes);
    expect(bytesToHex(signRevocation(appSeed(), r))).toBe(V.revocationSignature);
    expect(verifyRevocation(r, hexToBytes(V.revocationSignature))).toBe(true);
    expect(verifyRevocation({ ...r, reason: "other" }, hexToBytes(V.revocationSignature))).toBe(false);
  });
});

describe("migration token", () => {
  it("stores the independent keyed hash", () => {
    const token = TOKEN_PREFIX + Buffer.alloc(32, 7).toString("base64url");
    expect(tokenHash(parseToken(token))).toBe(V.tokenHash);
  });
  it("parses exactly the tokens it formats and rejects everything else with a RangeError/TypeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const token = TOKEN_PREFIX + Buffer.from(bytes).toString("base64url");
        expect(bytesToHex(parseToken(token))).toBe(bytesToHex(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseToken(s);
          expect(s.startsWith(TOKEN_PREFIX) && s.length === TOKEN_PREFIX.length + 43).toBe(true);
        } catch (err) {
          expect(err instanceof RangeError || err instanceof TypeError).toBe(true);
          expect((err as Error).message).not.toContain(s.length > 8 ? s : "\u0000");
        }
      }),
    );
  });
});

describe("certificate file parser", () => {
  it("round-trips every certificate it formats", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 16 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (code, params, version) => {
          const cert = certifyDelegate(appSeed(), code, params, version);
          const back = parseCertificate(formatCertificate(cert));
          expect(formatCertificate(back)).toBe(formatCertificate(cert));
          expect(verifyCertificate(back)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
  it("throws only invalid_input for arbitrary or mutated input", () => {
    const good = JSON.parse(formatCertificate(certifyDelegate(appSeed(), utf8("c"), new Uint8Array(0), 1)));
    const mutated = fc.record({
      field: fc.constantFrom(...Object.keys(good)),
      value: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean()),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          mutated.map((m) => JSON.stringify({ ...good, [m.field]: m.value })),
        ),
        (text) => {
          try {
            parseCertificate(text);
          } catch (err) {
            expect(err).toBeInstanceOf(KeywardError);
            expect((err as KeywardError).code).toBe("invalid_input");
          }
        },
      ),
    );
  });
});
