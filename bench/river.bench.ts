// River format benchmark: a keyward room as River's ChatRoomStateV1 (export), its full signature check
// (import), and River's own contract validating it in the WASM sandbox, next to keyward's own canonical
// export and a bare Ed25519 sign/verify loop over the same number of records. Run: `npm run bench -- river`.
import { readFileSync } from "node:fs";
import { bytesToHex } from "../src/crypto/bytes.js";
import {
  ed25519PrivateKeyObject,
  ed25519PublicKey,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
} from "../src/crypto/ed25519.js";
import { randomBytes } from "../src/crypto/random.js";
import { ContractRunner } from "../src/interop/freenet/contract-runner.js";
import {
  decodeChatRoomState,
  encodeChatRoomParameters,
  encodeChatRoomState,
} from "../src/interop/river/index.js";
import { exportRoom } from "../src/rooms/export-format.js";
import { addMemberRecords, newRoomState, rotateRecords } from "../src/rooms/operations.js";
import { rawSeedOwnerKey } from "../src/rooms/owner-key.js";
import { riverRoomState } from "../src/rooms/river-room.js";
import { verifyRiverState } from "../src/rooms/river-verify.js";

const N = Number(process.env.RIVER_MEMBERS ?? "1000");
const ROUNDS = 3;
const ownerSeed = randomBytes(32);
const owner = rawSeedOwnerKey(ownerSeed);
const state = await newRoomState(owner);
for (let i = 0; i < N; i++)
  state.merge(await addMemberRecords(state, owner, bytesToHex(ed25519PublicKey(randomBytes(32)))));
state.merge(await rotateRecords(state, owner)); // two versions: 2N member secrets + 2 owner secrets
const river = await riverRoomState(state, owner, "bench");
const bytes = encodeChatRoomState(river);
const params = encodeChatRoomParameters(owner.publicKey);
// River signs N members + 2N+2 secrets + 2 versions + 1 configuration.
const records = 3 * N + 5;

async function best(label: string, fn: () => unknown): Promise<number> {
  let ms = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms`);
  return ms;
}

console.log(
  `River format, ${N} members, 2 versions, ${records} signed records, ${bytes.length} bytes; best of ${ROUNDS}`,
);
const key = ed25519PrivateKeyObject(ownerSeed);
const ownerKey = ed25519PublicKeyObject(owner.publicKey);
const msg = new Uint8Array(120);
const sig = ed25519Sign(key, msg);
const sign = await best("baseline: bare Ed25519 sign × records", () => {
  for (let i = 0; i < records; i++) ed25519Sign(key, msg);
});
const verify = await best("baseline: bare Ed25519 verify × records", () => {
  for (let i = 0; i < records; i++) ed25519Verify(ownerKey, msg, sig);
});
const own = await best("keyward canonical export (records already signed)", () => exportRoom(state));
const exp = await best("River export: re-sign + encode (riverRoomState)", async () =>
  encodeChatRoomState(await riverRoomState(state, owner, "bench")),
);
const imp = await best("River import check: decode + verifyRiverState", () =>
  verifyRiverState(owner.publicKey, decodeChatRoomState(bytes)),
);
const runner = await ContractRunner.open(readFileSync("test/fixtures/river/room_contract_current.wasm"));
const judge = await best("River's contract validate_state (WASM sandbox)", () =>
  runner.validateState(params, bytes),
);
await runner.close();
console.log(
  `ratios: export / bare sign ${(exp / sign).toFixed(2)}; import check / bare verify ${(imp / verify).toFixed(2)}; ` +
    `contract / import check ${(judge / imp).toFixed(2)}; export / keyward export ${(exp / own).toFixed(1)}`,
);
