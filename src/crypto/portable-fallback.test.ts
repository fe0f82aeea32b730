// Without the libsodium binary (KEYWARD_NO_SODIUM=1, as on a platform with no prebuild) Ed25519 and X25519
// take the portable path (OpenSSL KeyObjects, @noble/curves) and give the same RFC 8032 / RFC 7748 bytes.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPT = `
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "./src/crypto/ed25519.js";
import { x25519PublicKey, x25519SharedSecret } from "./src/crypto/x25519.js";
import { nativeCryptoAvailable } from "./src/crypto/sodium.js";
const hex = (b) => Buffer.from(b).toString("hex");
const bytes = (h) => Uint8Array.from(Buffer.from(h, "hex"));
const seed = bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
const pub = ed25519PublicKey(seed);
const sig = ed25519Sign(seed, bytes("72"));
const a = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const b = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
console.log(JSON.stringify({
  native: nativeCryptoAvailable(),
  pub: hex(pub),
  sig: hex(sig),
  verifies: ed25519Verify(pub, bytes("72"), sig),
  aPub: hex(x25519PublicKey(a)),
  shared: hex(x25519SharedSecret(a, x25519PublicKey(b))),
  smallOrder: x25519SharedSecret(a, new Uint8Array(32)) === undefined,
}));
`;

function run(env: Record<string, string>): Record<string, unknown> {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

// RFC 8032 §7.1 TEST 2 and RFC 7748 §6.1 (the same vectors as ed25519.test.ts and x25519.test.ts).
const EXPECTED = {
  pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
  sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  verifies: true,
  aPub: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
  shared: "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
  smallOrder: true,
};

describe("crypto without libsodium", () => {
  it("the portable path gives the RFC 8032 and RFC 7748 bytes, like the native one", () => {
    expect(run({ KEYWARD_NO_SODIUM: "1" })).toEqual({ native: false, ...EXPECTED });
    expect(run({ KEYWARD_NO_SODIUM: "0" })).toEqual({ native: true, ...EXPECTED });
  });
});
