// The storage vocabulary the surfaces see: the Storage port's types and the rule every storage key and name obeys.
export { assertStoreKey } from "../store/keys.js";
export type { Storage, StorageTx } from "../store/ports.js";
