// The bytes each River signature covers: the ciborium CBOR of the signed record, one function per record kind.
import {
  signedBytes,
  writeEncryptedSecret,
  writeMember,
  writeSecretVersionRecord,
  writeUserBan,
} from "./records.js";
import { writeConfiguration } from "./state.js";
import type {
  Configuration,
  EncryptedSecretForMember,
  Member,
  SecretVersionRecord,
  UserBan,
} from "./types.js";

/**
 * What River signs (and verifies) for each record kind; signer and verifier both go through this table.
 * @example ed25519Verify(ownerVk, riverSigned.configuration(cfg.configuration), cfg.signature)
 */
export const riverSigned = {
  configuration: (c: Configuration): Uint8Array => signedBytes(writeConfiguration, c),
  member: (m: Member): Uint8Array => signedBytes(writeMember, m),
  ban: (b: UserBan): Uint8Array => signedBytes(writeUserBan, b),
  secretVersion: (r: SecretVersionRecord): Uint8Array => signedBytes(writeSecretVersionRecord, r),
  memberSecret: (s: EncryptedSecretForMember): Uint8Array => signedBytes(writeEncryptedSecret, s),
} as const;
