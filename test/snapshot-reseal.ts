// Test helper for the index snapshot suites: tampered content sealed again, so only the structural checks
// (never the checksum) can refuse it.
import { createHash } from "node:crypto";

/** A copy of a snapshot whose last 32 bytes are a fresh SHA-256 (node:crypto) of the rest. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(
    createHash("sha256")
      .update(out.subarray(0, out.length - 32))
      .digest(),
    out.length - 32,
  );
  return out;
}
