// Crypto primitives: validated thin wrappers over @noble/* and node:crypto, the Secret type, canonical encoding.
export * from "./aead.js";
export * from "./assert.js";
export * from "./bytes.js";
export * from "./canonical.js";
export * from "./ed25519.js";
export * from "./hash.js";
export * from "./musig2.js";
export * from "./random.js";
export * from "./schnorr.js";
export * from "./secp256k1.js";
export * from "./secret.js";
export * from "./x25519.js";
