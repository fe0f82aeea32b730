// keyward: the package root. Named exports only; each section is owned by one domain.

// --- audit ---
export * from "./audit/index.js";
// --- crypto ---
export * from "./crypto/index.js";
// --- delegates ---
export * from "./delegates/index.js";
// --- errors ---
export * from "./errors/index.js";
// --- kdf ---
export * from "./kdf/index.js";
export { openAuditLog } from "./service/audit.js";
export { type CreateDelegatesOptions, createDelegates } from "./service/delegates.js";
// --- store ---
export * from "./store/index.js";
