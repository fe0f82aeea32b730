// Crypto benchmark: deriveRoomSecret with the chosen BLAKE3 next to plain @noble/hashes, and Ed25519
// sign/verify per second (node:crypto with a cached KeyObject vs per-call import vs @noble/curves).
// Run: `npm run bench -- crypto` (BENCH_SECONDS=N per contender, default 2). All figures come from one run.
import { ed25519 as nobleEd25519 } from "@noble/curves/ed25519.js";
import { blake3 } from "@noble/hashes/blake3.js";
import { u32le } from "../src/crypto/bytes.js";
import {
  ed25519PrivateKeyObject,
  ed25519PublicKey,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
} from "../src/crypto/ed25519.js";
import { randomBytes } from "../src/crypto/random.js";
import { deriveRoomSecret, ROOM_SECRET_CONTEXT } from "../src/kdf/room-secret.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? "2");
const SLICE_MS = 10;

/** CPU time (user + system) this process has used, in seconds. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Measures the contenders in interleaved 10 ms slices for about SECONDS each and reports operations per
 * second of this process's CPU time. Other processes loading the shared 2-core machine then slow neither
 * contender in particular (they take wall time, not this process's CPU time); the first is the baseline.
 */
function compare(title: string, contenders: [string, (i: number) => unknown][]): void {
  const ops = contenders.map(() => 0);
  const cpu = contenders.map(() => 0);
  for (const [, fn] of contenders) for (let i = 0; i < 200; i++) fn(i); // warm-up (JIT, noble tables)
  const end = performance.now() + SECONDS * 1000 * contenders.length;
  while (performance.now() < end) {
    for (const [j, [, fn]] of contenders.entries()) {
      const sliceEnd = performance.now() + SLICE_MS;
      const c0 = cpuSeconds();
      let n = 0;
      while (performance.now() < sliceEnd) {
        for (let k = 0; k < 16; k++) fn(ops[j]! + n + k);
        n += 16;
      }
      cpu[j]! += cpuSeconds() - c0;
      ops[j]! += n;
    }
  }
  console.log(`\n### ${title} — operations per CPU-second`);
  const rate = (j: number) => ops[j]! / cpu[j]!;
  for (const [j, [name]] of contenders.entries()) {
    const ratio = j === 0 ? "  (baseline)" : `  ${(rate(j) / rate(0)).toFixed(2)}× baseline`;
    console.log(`${name.padEnd(64)} ${Math.round(rate(j)).toLocaleString("en-US").padStart(10)} /s${ratio}`);
  }
}

// Inputs vary per iteration so no layer can cache a result.
const seeds = Array.from({ length: 64 }, () => randomBytes(32));
const owners = seeds.map((s) => ed25519PublicKey(s));
const contextBytes = new TextEncoder().encode(ROOM_SECRET_CONTEXT);

/** River's construction written directly against @noble/hashes, one-shot calls (the baseline). */
function nobleRoomSecret(seed: Uint8Array, owner: Uint8Array, version: number): Uint8Array {
  const root = blake3(seed, { context: contextBytes });
  const out = blake3.create({ key: root }).update(owner).update(u32le(version)).digest();
  root.fill(0);
  return out;
}

compare("deriveRoomSecret (32-byte seed → derive_key; 36-byte keyed_hash)", [
  ["@noble/hashes blake3, one-shot calls", (i) => nobleRoomSecret(seeds[i & 63]!, owners[i & 63]!, i)],
  [
    "keyward deriveRoomSecret (noble, cached context hasher)",
    (i) => deriveRoomSecret(seeds[i & 63]!, owners[i & 63]!, i),
  ],
]);

const message = randomBytes(64);
const seed = seeds[0]!;
const keyObject = ed25519PrivateKeyObject(seed);
compare("Ed25519 sign (64-byte message)", [
  ["@noble/curves ed25519.sign", () => nobleEd25519.sign(message, seed)],
  ["node:crypto, cached KeyObject (ed25519Sign(keyObject))", () => ed25519Sign(keyObject, message)],
  [
    "node:crypto, seed imported per call (PKCS#8 → KeyObject)",
    () => ed25519Sign(ed25519PrivateKeyObject(seed), message),
  ],
  ["libsodium, seed expanded per call (ed25519Sign(seed))", () => ed25519Sign(seed, message)],
]);

const pub = owners[0]!;
const sig = ed25519Sign(keyObject, message);
const pubObject = ed25519PublicKeyObject(pub);
compare("Ed25519 verify (64-byte message)", [
  ["@noble/curves ed25519.verify", () => nobleEd25519.verify(sig, message, pub)],
  ["node:crypto, cached public KeyObject", () => ed25519Verify(pubObject, message, sig)],
  ["node:crypto, key bytes imported per call (ed25519Verify(bytes))", () => ed25519Verify(pub, message, sig)],
]);
