// Storage: the StateStore/SecretStore ports, typed records, sealing and the backends.
export { type OpenStorageOptions, openStorage, resolveDbUrl } from "./open.js";
export type {
  ScanOptions,
  SecretReader,
  SecretWriter,
  StateEntry,
  StateReader,
  StateWriter,
  Storage,
  StorageTx,
} from "./ports.js";
export { type Codec, jsonCodec, RecordTable } from "./records.js";
export type { UnsealMaterial } from "./sealing/root-key.js";
