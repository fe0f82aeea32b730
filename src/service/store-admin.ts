// Store administration for `keyward init`, `rekey` and `serve`: creating, probing and re-keying a store.
export {
  initializeStorage,
  isStoreInitialized,
  resolveDbUrl,
  rotateStorageRootKey,
  storeUnsealMode,
} from "../store/open.js";
export { newKeyFileContent } from "../store/sealing/unseal.js";
