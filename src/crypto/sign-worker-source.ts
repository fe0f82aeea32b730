// The Ed25519 sign worker as a plain-JavaScript source string (run with `eval: true`: no file to find from
// the TypeScript sources, dist/ or the CLI bundle).

/**
 * Worker source for `Ed25519SignPool`. `workerData` carries the resolved path of sodium-native (and the URL
 * to resolve it from), and three
 * SharedArrayBuffers: seed slots (32 bytes each), slot states (Int32: 1 = holds a seed, 2 = taken by the
 * worker, 3 = taken by the calling thread, 4 = signed) and signature results (64 bytes per slot). A request is
 * `{ id, slots, offsets, data }`: one job per slot, job i's message is `data[offsets[i] .. offsets[i + 1])`.
 * For each job the worker takes the slot (compare-and-exchange 1 → 2; a slot the calling thread took meanwhile
 * is skipped), expands the seed into its guarded secret-key buffer, zeroes the slot, signs into the slot's
 * result, zeroes the secret key, then marks the slot signed (4) and wakes a waiting caller; after the chunk
 * it answers its id. Any failure throws, which stops the worker: the pool then fails the pending signatures
 * and signs inline.
 */
export const SIGN_WORKER_SOURCE = `"use strict";
// Dynamic imports only: an eval worker runs as CommonJS, or as a module under --input-type=module.
Promise.all([import("node:worker_threads"), import("node:module")]).then(([{ parentPort, workerData }, { createRequire }]) => {
const sodium = createRequire(workerData.base)(workerData.sodiumPath);
const seeds = new Uint8Array(workerData.seeds);
const states = new Int32Array(workerData.states);
const results = new Uint8Array(workerData.results);
const secretKey = sodium.sodium_malloc(64);
const publicKey = new Uint8Array(32);
parentPort.on("message", (req) => {
  const n = req.slots.length;
  for (let i = 0; i < n; i++) {
    const slot = req.slots[i];
    const state = Atomics.compareExchange(states, slot, 1, 2);
    if (state === 3) continue; // the calling thread signs this one itself
    if (state !== 1) throw new Error("sign worker: slot " + slot + " holds no seed");
    const seed = seeds.subarray(slot * 32, slot * 32 + 32);
    try {
      sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
    } finally {
      sodium.sodium_memzero(seed);
    }
    try {
      sodium.crypto_sign_detached(
        results.subarray(slot * 64, slot * 64 + 64),
        req.data.subarray(req.offsets[i], req.offsets[i + 1]),
        secretKey,
      );
    } finally {
      sodium.sodium_memzero(secretKey);
    }
    Atomics.store(states, slot, 4);
    Atomics.notify(states, slot);
  }
  parentPort.postMessage(req.id);
});
});
`;
