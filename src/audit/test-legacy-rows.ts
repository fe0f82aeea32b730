// Test helper: rewrites a chain into the stored forms earlier versions wrote (JSON rows, binary 0x02 rows).
import { createHmac } from "node:crypto";
import { canonicalEncode } from "../crypto/canonical.js";
import type { Secret } from "../crypto/secret.js";
import { deriveSubkey } from "../kdf/subkey.js";
import type { Storage } from "../store/ports.js";
import { entryHash } from "./entry.js";
import type { AuditEntry } from "./types.js";

/** A stored row form: "v3" (written now), "v2" (binary rows before it) or "json" (the first versions' rows). */
export type RowForm = "v3" | "v2" | "json";

/**
 * The row of `e` in `form`, written out from docs/wire-format.md ("Stored audit rows") rather than taken from the
 * code under test: `version ‖ u64be(seq) ‖ u64be(time) ‖ prev ‖ hash ‖ mac ‖ body`, or the record as JSON text.
 */
export function rowOf(e: AuditEntry, form: RowForm): Uint8Array {
  if (form === "json") {
    const { seq, time, prev, body, hash, mac } = e;
    return Buffer.from(JSON.stringify({ seq, time, prev, body, hash, mac }));
  }
  const fixed = Buffer.alloc(17);
  fixed[0] = form === "v3" ? 0x03 : 0x02;
  fixed.writeBigUInt64BE(BigInt(e.seq), 1);
  fixed.writeBigUInt64BE(BigInt(e.time), 9);
  const hex = (h: string) => Buffer.from(h, "hex");
  return Buffer.concat([fixed, hex(e.prev), hex(e.hash), hex(e.mac), hex(e.body)]);
}

/** The audit MAC key of `storage`, derived from its sealed root key as docs/wire-format.md ("Audit") states. */
export async function auditMacKey(storage: Storage): Promise<Uint8Array> {
  const root = (await storage.secrets.get("audit", "root-key")) as Secret;
  return root.use((k) => deriveSubkey("keyward v1 audit-entry-mac", k));
}

/** A chain re-hashed with an earlier version's construction, its rows, and the MACed head row that ends it. */
export interface LegacyChain {
  readonly entries: AuditEntry[];
  readonly rows: Uint8Array[];
  readonly head: Uint8Array;
}

/**
 * Re-chains `entries` (seq 1…n, same times and bodies) as an earlier version wrote them: each hash by the v2
 * construction (BLAKE3 of the canonical entry), each MAC = HMAC-SHA-256(macKey, hash), stored in `formOf(seq)`
 * ("v2" or "json"). The caller writes the rows and the head (state table `audit.head`, key `head`).
 */
export function legacyChain(
  macKey: Uint8Array,
  entries: readonly AuditEntry[],
  formOf: (seq: number) => Exclude<RowForm, "v3">,
): LegacyChain {
  const out: AuditEntry[] = [];
  let prev = "0".repeat(64);
  for (const e of entries) {
    const hash = entryHash("v2", e.seq, e.time, prev, Buffer.from(e.body, "hex"));
    const mac = createHmac("sha256", macKey).update(Buffer.from(hash, "hex")).digest("hex");
    out.push({ seq: e.seq, time: e.time, prev, body: e.body, hash, mac });
    prev = hash;
  }
  const last = out.at(-1)!;
  const headInput = canonicalEncode("keyward v1 audit-head", {
    seq: last.seq,
    hash: Buffer.from(last.hash, "hex"),
  });
  const headMac = createHmac("sha256", macKey).update(headInput).digest("hex");
  const head = Buffer.from(JSON.stringify({ seq: last.seq, hash: last.hash, mac: headMac }));
  return { entries: out, rows: out.map((e) => rowOf(e, formOf(e.seq))), head };
}
