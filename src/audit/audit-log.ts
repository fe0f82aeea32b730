// The hash-chained, MACed, append-only audit log kept in the store's append-only log (its head in the state store).

import { bytesToHex, hexToBytes, wipe } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { HmacSha256Key, hmacSha256 } from "../crypto/hash.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { deriveSubkey } from "../kdf/subkey.js";
import type { LogReader, Storage, StorageTx } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import {
  AUDIT_TAGS,
  type AuditHead,
  type AuditKeys,
  buildEntry,
  encodeBody,
  HEAD_KEY,
  HEAD_TABLE,
  headMac,
  KEY_NAME,
  KEY_NAMESPACE,
} from "./entry.js";
import { decodeEntryRow } from "./entry-row.js";
import type { AuditEntry, AuditEvent, AuditSink, AuditVerifyResult } from "./types.js";
import { type AuditStoreReader, verifyChain } from "./verify.js";

/** Options for `AuditLog.open`. */
export interface AuditLogOptions {
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
}

const heads = new RecordTable<AuditHead>(HEAD_TABLE);
const META_TABLE = "audit.meta";

async function loadOrCreateRootKey(storage: Storage): Promise<Secret> {
  return storage.transaction(async (tx) => {
    const existing = await tx.secrets.get(KEY_NAMESPACE, KEY_NAME);
    if (existing) return existing;
    // The create-only claim makes concurrent first starts (several instances on one database) agree on one key.
    if (await tx.state.insert(META_TABLE, "root-key", new Uint8Array(0))) {
      const key = Secret.adopt(randomBytes(32));
      await tx.secrets.put(KEY_NAMESPACE, KEY_NAME, key);
      return key;
    }
    const created = await tx.secrets.get(KEY_NAMESPACE, KEY_NAME);
    if (!created) throw new KeywardError("unavailable", "the audit key is missing from the secret store");
    return created;
  });
}

/**
 * Append-only audit log: every entry carries seq, time, the previous entry's hash, a canonical body and its
 * own hash, plus an HMAC under a sealed audit key so that rewriting the chain needs the key, not just
 * database access. Appends run inside the caller's transaction.
 *
 * @example
 * const audit = await AuditLog.open(storage);
 * await storage.transaction(async (tx) => {
 *   // … the operation's own writes …
 *   await audit.append(tx, { kind: "custody.sign", subject: "acme/ab12…/", sensitive: { message: hashHex } });
 * });
 * (await audit.verify()).ok; // true
 */
export class AuditLog implements AuditSink {
  readonly #storage: Storage;
  /** The MAC key, pre-keyed once (each entry MAC starts from its hashed pads); wiped by `close`. */
  readonly #mac: HmacSha256Key;
  readonly #field: Secret;
  readonly #now: () => number;
  /**
   * The last entry this instance appended, decoded: reused when the log's last row still holds exactly its bytes
   * (the row is read in the appending transaction every time, so another instance's entry is always seen).
   */
  #memo: Tail | undefined;

  private constructor(
    storage: Storage,
    keys: { mac: HmacSha256Key; field: Secret },
    options: AuditLogOptions,
  ) {
    this.#storage = storage;
    this.#mac = keys.mac;
    this.#field = keys.field;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens the log of `storage`, creating the sealed audit key on first use.
   * @throws KeywardError `unavailable` when the key claim exists but the key is gone.
   */
  static async open(storage: Storage, options: AuditLogOptions = {}): Promise<AuditLog> {
    if (storage === null || typeof storage !== "object" || typeof storage.transaction !== "function")
      throw new InputTypeError("storage must be a Storage");
    const root = await loadOrCreateRootKey(storage);
    const mac = root.use((k) => deriveSubkey(AUDIT_TAGS.macContext, k));
    try {
      const field = Secret.adopt(root.use((k) => deriveSubkey(AUDIT_TAGS.fieldContext, k)));
      return new AuditLog(storage, { mac: new HmacSha256Key(mac), field }, options);
    } finally {
      wipe(mac);
      root.wipe();
    }
  }

  /**
   * Appends `event` inside `tx`. Sequence numbers are claimed with a create-only insert: a concurrent
   * appender that took the same number makes this one re-read the head and chain after it.
   * @throws {TypeError}/{RangeError} for a malformed event; KeywardError `conflict` (retryable) on a lost claim.
   */
  async append(tx: StorageTx, event: AuditEvent): Promise<AuditEntry> {
    const [entry] = await this.appendMany(tx, [event]);
    return entry!;
  }

  /**
   * Appends several events in order inside the caller's transaction: the chain head is read once and the
   * MACed head written once, so a batch costs one insert per entry (group commit of audited operations).
   * @throws KeywardError `conflict` (retryable) when another instance claimed a sequence number; the storage
   *   runs the caller's transaction again (store/retry.ts).
   */
  async appendMany(tx: StorageTx, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    if (tx === null || typeof tx !== "object" || !tx.state)
      throw new InputTypeError("tx must be a StorageTx");
    if (!Array.isArray(events)) throw new InputTypeError("events must be an array");
    const keys = this.#keys();
    const bodies = events.map((e) => encodeBody(e, keys.field));
    if (bodies.length === 0) return [];
    let last = await this.#tail(tx.log);
    const built: Tail[] = [];
    for (const body of bodies) {
      const seq = last ? last.entry.seq + 1 : 1;
      // Time never goes backwards along the chain, even if clocks of instances disagree slightly.
      const time = Math.max(this.#now(), last?.entry.time ?? 0);
      last = buildEntry(keys, seq, time, last?.hash ?? new Uint8Array(32), body);
      built.push(last);
    }
    // One statement for a batch (one round trip on PostgreSQL). A number claimed by another instance leaves its
    // row as it is and is not counted: the caller's transaction is run again by the storage's one retry policy
    // (store/retry.ts), which reads the new last row.
    const created = await tx.log.append(built.map((b) => ({ seq: b.entry.seq, value: b.row })));
    if (created !== built.length)
      throw new KeywardError("conflict", "audit log: sequence claimed concurrently", { retryable: true });
    const out = built.map((b) => b.entry);
    this.#memo = last;
    const head = last!.entry;
    await heads.put(tx.state, HEAD_KEY, {
      seq: head.seq,
      hash: head.hash,
      mac: headMac(keys.mac, head.seq, head.hash),
    });
    return out;
  }

  /**
   * The HMAC stored for a sensitive field value: lets an operator who knows a candidate value find its entries.
   */
  sensitiveDigest(name: string, value: string): string {
    if (typeof name !== "string") throw new InputTypeError("name must be a string");
    if (typeof value !== "string") throw new InputTypeError("value must be a string");
    return bytesToHex(
      hmacSha256(this.#field.expose(), canonicalEncode(AUDIT_TAGS.sensitive, { name, value })),
    );
  }

  /** Streams stored entries in sequence order (not verified; use `verify`). */
  async *entries(via: AuditStoreReader = this.#storage): AsyncIterable<AuditEntry> {
    for await (const { seq, value } of via.log.scan()) yield decodeStored(seq, value);
  }

  /**
   * Checks the whole chain: contiguous numbering from 1, each hash recomputed, each MAC checked, each
   * `prev` linked, and the MACed head matching the last entry (a truncated tail is detected).
   * Returns `ok: false` with the first bad sequence number instead of throwing.
   */
  verify(via: AuditStoreReader = this.#storage): Promise<AuditVerifyResult> {
    return verifyChain(via, this.#keys());
  }

  /** Wipes the in-memory keys; the log cannot be used afterwards. */
  close(): void {
    this.#mac.wipe();
    this.#field.wipe();
  }

  /** The chain's last entry as `log` holds it now (the memo when its bytes are unchanged). */
  async #tail(log: LogReader): Promise<Tail | undefined> {
    const last = await log.last();
    if (!last) return undefined;
    const memo = this.#memo;
    if (memo && memo.entry.seq === last.seq && Buffer.compare(memo.row, last.value) === 0) return memo;
    const entry = decodeStored(last.seq, last.value);
    return { entry, row: last.value, hash: hexToBytes(entry.hash, "hash", 32) };
  }

  /** @throws {TypeError} once closed (the keys were wiped). */
  #keys(): AuditKeys {
    return { mac: this.#mac, field: this.#field.expose() };
  }
}

/** The chain's last entry as the next append needs it: the entry, its stored row and its raw hash. */
interface Tail {
  readonly entry: AuditEntry;
  readonly row: Uint8Array;
  readonly hash: Uint8Array;
}

function decodeStored(seq: number, row: Uint8Array): AuditEntry {
  const entry = decodeEntryRow(row)?.entry;
  if (!entry) throw new KeywardError("audit_broken", `audit entry ${seq} does not decode`);
  return entry;
}
