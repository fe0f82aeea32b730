// keyward: the package root. Named exports only; each section is owned by one domain.

// --- crypto ---
export * from "./crypto/index.js";
// --- errors ---
export * from "./errors/index.js";
// --- kdf ---
export * from "./kdf/index.js";
