// Rooms benchmark: rotation of a 10,000-member room (target ≤ 1 s on 2 cores) next to a raw X25519 + AEAD
// loop over the same members in the same run. Run: `npm run bench -- rooms` (ROOM_MEMBERS to change the size).
import { createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import { availableParallelism } from "node:os";
import { aesGcmSeal } from "../src/crypto/aead.js";
import { bytesToHex } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { sha256 } from "../src/crypto/hash.js";
import { randomBytes } from "../src/crypto/random.js";
import { ed25519PublicToX25519 } from "../src/crypto/x25519.js";
import { buildMemberRecords } from "../src/rooms/member-records.js";
import { loadRoomState, loadRoomWorkingState, saveRecords } from "../src/rooms/repository.js";
import { RoomsService } from "../src/rooms/rooms-service.js";
import { RotationPool } from "../src/rooms/rotation-pool.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

const N = Number(process.env.ROOM_MEMBERS ?? "10000");
const ROUNDS = 3;
const ownerSeed = randomBytes(32);
const room = ed25519PublicKey(ownerSeed);
const members = Array.from({ length: N }, () => bytesToHex(ed25519PublicKey(randomBytes(32)))).sort();
const recipients = members.map((m) => ed25519PublicToX25519(Buffer.from(m, "hex")));

/** Raw floor: one X25519 key pair + DH (OpenSSL) and one AES-256-GCM seal per member, nothing else. */
function rawLoop(): void {
  const secret = randomBytes(32);
  const nonce = new Uint8Array(12);
  for (const u of recipients) {
    const eph = randomBytes(32);
    const d = Buffer.from(eph).toString("base64url");
    const priv = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d, x: "" }, format: "jwk" });
    createPublicKey(priv).export({ format: "jwk" });
    const pub = createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: Buffer.from(u).toString("base64url") },
      format: "jwk",
    });
    const shared = diffieHellman({ privateKey: priv, publicKey: pub });
    aesGcmSeal(sha256(shared), nonce, secret);
  }
}

/**
 * Best of ROUNDS, in wall-clock ms and in CPU ms of this process (all its threads). The machine is shared
 * (load averages of 10+ on 2 cores while the team works), so wall time mostly measures the others; CPU time
 * divided by the threads used estimates the idle-machine wall time.
 */
async function best(label: string, fn: () => Promise<unknown> | unknown, threads = 1): Promise<number> {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    wall = Math.min(wall, performance.now() - t);
    const d = process.cpuUsage(c);
    cpu = Math.min(cpu, (d.user + d.system) / 1000);
  }
  const est = cpu / threads;
  console.log(
    `${label.padEnd(54)} wall ${wall.toFixed(0).padStart(6)} ms | CPU ${cpu.toFixed(0).padStart(6)} ms` +
      ` (${((cpu * 1000) / N).toFixed(0)} µs/member) | idle estimate ${est.toFixed(0)} ms`,
  );
  return est;
}

console.log(`room rotation, ${N} members, ${availableParallelism()} cores, best of ${ROUNDS}`);
const raw = await best("raw X25519 + AES-GCM loop (baseline, 1 thread)", rawLoop);
let version = 1;
const one = await best("rotation records, 1 thread (river-v1 + Ed25519 sign)", () =>
  buildMemberRecords(ownerSeed, room, version++, members),
);
const pool = new RotationPool(2);
const coldStart = performance.now();
await pool.build(ownerSeed, room, version++, members);
const cold = performance.now() - coldStart;
console.log(
  `${"rotation records, 2 threads, cold (workers start)".padEnd(54)} wall ${cold.toFixed(0).padStart(6)} ms`,
);
const two = await best(
  "rotation records, 2 threads, warm pool",
  () => pool.build(ownerSeed, room, version++, members),
  2,
);

// End to end through the service: load 10,000 members from SQLite, rotate, persist every record.
const t = await openTestSqliteStorage();
const rooms = new RoomsService(t.storage, { pool });
await rooms.create({ name: "bench", ownerSeed });
const state = await rooms.state("bench");
state.merge({ versions: [], members: buildMemberRecords(ownerSeed, room, 0, members), removals: [] });
await t.storage.transaction(async (tx) => {
  await saveRecords(tx.state, state, state.records());
});
const service = await best("RoomsService.rotate: SQLite load + rotate + persist (CPU total)", () =>
  rooms.rotate("bench"),
);
// What a write loads once the room has rotated a few times: every record (reads like export) against the
// working state (versions, removals, current members), and one add end to end.
const roomHex = bytesToHex(room);
const loads: [string, () => Promise<unknown>][] = [
  ["load every record (export, decrypt)", () => loadRoomState(t.storage.state, roomHex)],
  [
    "load the working state (add, remove, rotate, show)",
    () => loadRoomWorkingState(t.storage.state, roomHex),
  ],
];
const records = (await loadRoomState(t.storage.state, roomHex)).members.size;
console.log(`
loading a ${N}-member room with ${records} member records (wall, best of ${ROUNDS})`);
for (const [label, fn] of loads) {
  let bestMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await fn();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  console.log(`${label.padEnd(54)} wall ${bestMs.toFixed(0).padStart(6)} ms`);
}
const newcomer = bytesToHex(ed25519PublicKey(randomBytes(32)));
const addStart = performance.now();
await rooms.add("bench", newcomer);
console.log(
  `${"RoomsService.add of one member (working state)".padEnd(54)} wall ${(performance.now() - addStart).toFixed(0).padStart(6)} ms`,
);
await pool.close();
await t.cleanup();

console.log(
  `\nratios (CPU): 1 thread = ${(one / raw).toFixed(2)}× the raw X25519+AEAD loop; 2 threads = ${(two / raw).toFixed(2)}×` +
    ` the 1-thread raw loop. Target ≤ 1000 ms on 2 cores: idle estimate ${two.toFixed(0)} ms` +
    ` (${two <= 1000 ? "met" : "NOT met"}); with SQLite load + persist ${service.toFixed(0)} ms CPU total.`,
);
