// Refuses a store whose storage schema is newer than this build's migrations (an instance left on an old version).
import { KeywardError } from "../errors/keyward-error.js";

/**
 * Throws `conflict` when `current` (the store's highest recorded storage schema) is above the last of `known`:
 * an older keyward must not write a store a newer one migrated (schema 2 moved the audit chain into its own
 * table, so an old instance would append to a table nobody reads and fork the chain).
 * @throws {KeywardError} `conflict` naming both versions.
 */
export function assertSchemaKnown(current: number, known: readonly { readonly version: number }[]): void {
  const latest = known.length === 0 ? 0 : known[known.length - 1]!.version;
  if (current > latest)
    throw new KeywardError(
      "conflict",
      `the store's storage schema ${current} is newer than this keyward's ${latest}: upgrade keyward on every instance`,
    );
}
