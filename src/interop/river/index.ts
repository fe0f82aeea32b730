// River's wire format (ciborium CBOR of river-core's serde types): pure codecs, no store.
export { CborReader, CborWriter } from "./cbor.js";
export * from "./records.js";
export * from "./signed.js";
export * from "./state.js";
export type * from "./types.js";
