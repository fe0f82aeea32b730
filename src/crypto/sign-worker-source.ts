// The Ed25519 sign worker as a plain-JavaScript source string (run with `eval: true`: no file to find from
// the TypeScript sources, dist/ or the CLI bundle).

/**
 * Worker source for `Ed25519SignPool`. `workerData` carries the resolved path of sodium-native, the seed
 * slots (a SharedArrayBuffer of 32 bytes per slot) and the slot states (an Int32Array over a
 * SharedArrayBuffer: 1 = the slot holds a seed). A request is `{ id, slots, offsets, data }`: one job per slot,
 * job i's message is `data[offsets[i] .. offsets[i + 1])`. For each job the worker checks the slot state
 * (Atomics: the seed written before it is visible), expands the seed into its guarded secret-key buffer,
 * zeroes the slot and clears its state, signs, zeroes the secret key; then it answers `{ id, signatures }`
 * (64 bytes per job, in order). Any failure throws, which stops the worker: the pool then fails the
 * pending signatures and signs inline.
 */
export const SIGN_WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const sodium = require(workerData.sodiumPath);
const seeds = new Uint8Array(workerData.seeds);
const states = new Int32Array(workerData.states);
const secretKey = sodium.sodium_malloc(64);
const publicKey = new Uint8Array(32);
parentPort.on("message", (req) => {
  const n = req.slots.length;
  const signatures = new Uint8Array(64 * n);
  for (let i = 0; i < n; i++) {
    const slot = req.slots[i];
    if (Atomics.load(states, slot) !== 1) throw new Error("sign worker: slot " + slot + " holds no seed");
    const seed = seeds.subarray(slot * 32, slot * 32 + 32);
    try {
      sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
    } finally {
      sodium.sodium_memzero(seed);
      Atomics.store(states, slot, 0);
    }
    try {
      sodium.crypto_sign_detached(
        signatures.subarray(64 * i, 64 * i + 64),
        req.data.subarray(req.offsets[i], req.offsets[i + 1]),
        secretKey,
      );
    } finally {
      sodium.sodium_memzero(secretKey);
    }
  }
  parentPort.postMessage({ id: req.id, signatures }, [signatures.buffer]);
});
`;
