// Audit log: chaining inside caller transactions, sensitive-field HMACs, tamper detection, concurrent appenders.
import { createHmac } from "node:crypto";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { deriveSubkey } from "../kdf/subkey.js";
import { openStorage } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { AuditLog } from "./audit-log.js";
import { HEAD_KEY, HEAD_TABLE } from "./entry.js";
import { auditMacKey, legacyChain, type RowForm, rowOf } from "./test-legacy-rows.js";
import type { AuditEntry } from "./types.js";

const open: TestStorage[] = [];
async function fresh(): Promise<TestStorage> {
  const t = await openTestSqliteStorage();
  open.push(t);
  return t;
}
afterEach(async () => {
  for (const t of open.splice(0)) await t.cleanup();
});

const enc = new TextEncoder();
const dec = new TextDecoder();

async function appendMany(storage: Storage, log: AuditLog, n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await storage.transaction((tx) =>
        log.append(tx, { kind: "test.event", subject: `s${i}`, data: { i, ok: true, tags: ["a", "b"] } }),
      ),
    );
  return out;
}

// The stored row formats (test-legacy-rows.ts writes them out from docs/wire-format.md rather than taking them
// from the code under test): v3 binary rows (written now), the v2 binary rows and JSON rows earlier versions
// wrote (still read and verified).
function parseBinaryRow(row: Uint8Array, version = 0x03): AuditEntry {
  const b = Buffer.from(row);
  expect(b[0]).toBe(version);
  const hex = (from: number, to?: number) => b.subarray(from, to).toString("hex");
  return {
    seq: Number(b.readBigUInt64BE(1)),
    time: Number(b.readBigUInt64BE(9)),
    prev: hex(17, 49),
    hash: hex(49, 81),
    mac: hex(81, 113),
    body: hex(113),
  };
}

async function rawEntry(storage: Storage, seq: number): Promise<AuditEntry> {
  const bytes = (await storage.log.get(seq))!;
  return bytes[0] === 0x7b ? (JSON.parse(dec.decode(bytes)) as AuditEntry) : parseBinaryRow(bytes, bytes[0]);
}

/**
 * Writes the stored row `seq` (or deletes it, given undefined) straight into the database file through a
 * connection of its own, as someone with file access would: the store offers no way to change a log row.
 */
function writeRow(t: TestStorage, seq: number, row: Uint8Array | undefined): void {
  const db = new Database(t.dbUrl.slice("sqlite:".length));
  try {
    if (row === undefined) db.prepare("DELETE FROM kw_log WHERE seq = ?").run(seq);
    else
      db.prepare(
        "INSERT INTO kw_log (seq, value) VALUES (?, ?) ON CONFLICT (seq) DO UPDATE SET value = excluded.value",
      ).run(seq, row);
  } finally {
    db.close();
  }
}

function putRaw(t: TestStorage, seq: number, entry: AuditEntry, form: RowForm): void {
  writeRow(t, seq, rowOf(entry, form));
}

/**
 * Rewrites stored entries 1…n as a store written by earlier versions holds them: re-hashed by the v2
 * construction, each in `formOf(seq)`, with the MACed head that ends them. Returns the rewritten entries.
 */
async function toLegacyRows(
  t: TestStorage,
  n: number,
  formOf: (seq: number) => "v2" | "json",
): Promise<AuditEntry[]> {
  const current: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) current.push(await rawEntry(t.storage, seq));
  const legacy = legacyChain(await auditMacKey(t.storage), current, formOf);
  for (const [i, row] of legacy.rows.entries()) writeRow(t, i + 1, row);
  await t.storage.state.put(HEAD_TABLE, HEAD_KEY, legacy.head);
  return legacy.entries;
}

describe("AuditLog append", () => {
  it("chains entries 1…n, each linking to the previous hash", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    const list = await appendMany(storage, log, 5);
    expect(list.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(list[0]!.prev).toBe("0".repeat(64));
    for (let i = 1; i < list.length; i++) expect(list[i]!.prev).toBe(list[i - 1]!.hash);
    expect(await log.verify()).toEqual({ ok: true, entries: 5 });
  });

  it("appendMany chains a batch after existing entries and writes the MACed head once, at its end", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    await appendMany(storage, log, 2);
    const batch = await storage.transaction((tx) =>
      log.appendMany(
        tx,
        [0, 1, 2].map((i) => ({ kind: "test.batch", subject: `b${i}`, sensitive: { secretish: `v${i}` } })),
      ),
    );
    expect(batch.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(batch[0]!.prev).toBe((await rawEntry(storage, 2)).hash);
    for (let i = 1; i < batch.length; i++) expect(batch[i]!.prev).toBe(batch[i - 1]!.hash);
    const head = JSON.parse(dec.decode((await storage.state.get(HEAD_TABLE, HEAD_KEY))!)) as { seq: number };
    expect(head.seq).toBe(5);
    expect(await log.verify()).toEqual({ ok: true, entries: 5 });
    expect(await storage.transaction((tx) => log.appendMany(tx, []))).toEqual([]);
    await expect(
      storage.transaction((tx) => log.appendMany(tx, [{ kind: "Bad Kind", subject: "x" }])),
    ).rejects.toThrow(/event.kind/);
    expect(await log.verify()).toEqual({ ok: true, entries: 5 });
  });

  it("commits with the caller's transaction and disappears with its rollback", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    await appendMany(storage, log, 2);
    await expect(
      storage.transaction(async (tx) => {
        await log.append(tx, { kind: "test.event", subject: "doomed" });
        throw new Error("operation failed");
      }),
    ).rejects.toThrow("operation failed");
    expect(await storage.log.get(3)).toBeUndefined();
    const next = await storage.transaction((tx) => log.append(tx, { kind: "test.event", subject: "next" }));
    expect(next.seq).toBe(3);
    expect(await log.verify()).toEqual({ ok: true, entries: 3 });
  });

  it("stores sensitive values only as HMAC-SHA-256 under the sealed audit key", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    const secretValue = "alice@example.com";
    const entry = await storage.transaction((tx) =>
      log.append(tx, { kind: "test.pii", subject: "x", sensitive: { email: secretValue } }),
    );
    const raw = dec.decode(await storage.log.get(entry.seq));
    expect(raw).not.toContain(secretValue);
    expect(dec.decode(hexToBytes(entry.body))).not.toContain(secretValue);
    // Independent recomputation with node:crypto's HMAC over the documented message.
    const root = (await storage.secrets.get("audit", "root-key")) as Secret;
    const fieldKey = root.use((k) => deriveSubkey("keyward v1 audit-sensitive-field", k));
    const tag = enc.encode("keyward v1 audit-sensitive");
    const msg = Buffer.concat([
      u32(tag.length),
      tag,
      Buffer.from([0x08]),
      u32(2),
      u32(4),
      enc.encode("name"),
      Buffer.from([0x05]),
      u32(5),
      enc.encode("email"),
      u32(5),
      enc.encode("value"),
      Buffer.from([0x05]),
      u32(secretValue.length),
      enc.encode(secretValue),
    ]);
    const expected = createHmac("sha256", fieldKey).update(msg).digest("hex");
    expect(log.sensitiveDigest("email", secretValue)).toBe(expected);
    expect(entry.body).toContain(bytesToHex(enc.encode(expected)));
  });

  it("rejects malformed events and refuses Secrets in data", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    await storage.transaction(async (tx) => {
      await expect(log.append(tx, { kind: "Bad Kind", subject: "s" })).rejects.toThrow(RangeError);
      await expect(log.append(tx, { kind: "k", subject: 5 as unknown as string })).rejects.toThrow(TypeError);
      const data = { key: Secret.from(new Uint8Array(32)) } as unknown as Record<string, never>;
      await expect(log.append(tx, { kind: "k", subject: "s", data })).rejects.toThrow(TypeError);
    });
    expect(await log.verify()).toEqual({ ok: true, entries: 0 });
  });

  it("keeps one chain when two instances on the same database file interleave", async () => {
    const t = await fresh();
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const a = await AuditLog.open(t.storage);
      const b = await AuditLog.open(other);
      // Same-process connections to one SQLite file serialize; true concurrency is covered on Postgres.
      for (let i = 0; i < 20; i++)
        await (i % 2 ? other : t.storage).transaction((tx) =>
          (i % 2 ? b : a).append(tx, { kind: "test.interleaved", subject: String(i) }),
        );
      expect(await a.verify()).toEqual({ ok: true, entries: 20 });
      expect(await b.verify()).toEqual({ ok: true, entries: 20 });
      // Batches too: each instance's hint names an entry the other one has since followed, so its first
      // multi-row insert of a batch finds a number taken, rolls back and runs again on the fresh head.
      for (let i = 0; i < 6; i++)
        await (i % 2 ? other : t.storage).transaction((tx) =>
          (i % 2 ? b : a).appendMany(
            tx,
            [0, 1, 2].map((k) => ({ kind: "test.interleaved", subject: `${i}/${k}` })),
          ),
        );
      expect(await a.verify()).toEqual({ ok: true, entries: 38 });
      const subjects: string[] = [];
      for await (const e of b.entries()) subjects.push(e.body);
      expect(new Set(subjects).size).toBe(38);
    } finally {
      await other.close();
    }
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

describe("stored rows", () => {
  it("an entry is stored as one binary row: format byte 0x03, seq and time (u64 BE), prev, hash, MAC, raw body", async () => {
    const { storage } = await fresh();
    const log = await AuditLog.open(storage);
    const list = await appendMany(storage, log, 2);
    for (const e of list) {
      const row = (await storage.log.get(e.seq))!;
      expect(row.length).toBe(113 + e.body.length / 2);
      expect(parseBinaryRow(row)).toEqual(e);
    }
    const streamed: AuditEntry[] = [];
    for await (const e of log.entries()) streamed.push(e);
    expect(streamed).toEqual(list);
  });

  it("a chain of JSON rows (written by earlier versions) verifies, streams, and is continued in binary rows", async () => {
    const t = await fresh();
    const { storage } = t;
    const writer = await AuditLog.open(storage);
    await appendMany(storage, writer, 3);
    const old = await toLegacyRows(t, 3, () => "json");
    expect(dec.decode((await storage.log.get(3))!)).toBe(
      JSON.stringify({
        seq: 3,
        time: old[2]!.time,
        prev: old[1]!.hash,
        body: old[2]!.body,
        hash: old[2]!.hash,
        mac: old[2]!.mac,
      }),
    );
    // A restarted instance (no hint) and the writer (its hint no longer matches the row) both chain on.
    const restarted = await AuditLog.open(storage);
    expect(await restarted.verify()).toEqual({ ok: true, entries: 3 });
    const next = await storage.transaction((tx) =>
      restarted.append(tx, { kind: "test.after", subject: "4" }),
    );
    expect(next.prev).toBe(old[2]!.hash);
    const last = await storage.transaction((tx) => writer.append(tx, { kind: "test.after", subject: "5" }));
    expect(last.prev).toBe(next.hash);
    expect((await storage.log.get(3))![0]).toBe(0x7b);
    expect(parseBinaryRow((await storage.log.get(4))!)).toEqual(next);
    expect(await writer.verify()).toEqual({ ok: true, entries: 5 });
    const streamed: AuditEntry[] = [];
    for await (const e of restarted.entries()) streamed.push(e);
    expect(streamed).toEqual([...old, next, last]);
  });

  it("a log of JSON, v2 and v3 rows verifies entry by entry, each by its own row's hash construction", async () => {
    const t = await fresh();
    const { storage } = t;
    const writer = await AuditLog.open(storage);
    await appendMany(storage, writer, 4);
    const old = await toLegacyRows(t, 4, (seq) => (seq <= 2 ? "json" : "v2"));
    expect(parseBinaryRow((await storage.log.get(4))!, 0x02)).toEqual(old[3]);
    const restarted = await AuditLog.open(storage);
    const next = await storage.transaction((tx) => restarted.append(tx, { kind: "test.v3", subject: "5" }));
    const last = await storage.transaction((tx) => writer.append(tx, { kind: "test.v3", subject: "6" }));
    expect(next.prev).toBe(old[3]!.hash);
    expect(last.prev).toBe(next.hash);
    expect((await storage.log.get(1))![0]).toBe(0x7b);
    expect(parseBinaryRow((await storage.log.get(6))!)).toEqual(last);
    expect(await writer.verify()).toEqual({ ok: true, entries: 6 });
    expect(await restarted.verify()).toEqual({ ok: true, entries: 6 });
    // The version byte selects the construction: a row relabelled to the other binary version no longer verifies.
    for (const [seq, version] of [
      [5, 0x02],
      [4, 0x03],
    ] as const) {
      const original = (await storage.log.get(seq))!;
      const relabelled = Uint8Array.from(original);
      relabelled[0] = version;
      writeRow(t, seq, relabelled);
      expect(await writer.verify()).toMatchObject({
        ok: false,
        firstBadSeq: seq,
        reason: expect.stringMatching(/hash/),
      });
      writeRow(t, seq, original);
    }
    expect(await writer.verify()).toEqual({ ok: true, entries: 6 });
  });
});

describe.each<RowForm>(["v3", "v2", "json"])(
  "AuditLog verify detects tampering through raw database writes (%s rows)",
  (format) => {
    async function setup(n = 5) {
      const t = await fresh();
      const { storage } = t;
      const log = await AuditLog.open(storage);
      const list = await appendMany(storage, log, n);
      if (format !== "v3") await toLegacyRows(t, n, () => format);
      expect(await log.verify()).toEqual({ ok: true, entries: n });
      return { t, storage, log, list };
    }
    const put = (t: TestStorage, seq: number, entry: AuditEntry) => putRaw(t, seq, entry, format);

    it("a modified body (hash no longer matches)", async () => {
      const { t, storage, log } = await setup();
      const e = await rawEntry(storage, 3);
      put(t, 3, { ...e, body: e.body.replace(/.$/, (c) => (c === "0" ? "1" : "0")) });
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 3, entries: 2 });
    });

    it("a modified time", async () => {
      const { t, storage, log } = await setup();
      const e = await rawEntry(storage, 2);
      put(t, 2, { ...e, time: e.time + 1 });
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
    });

    it("a re-chained rewrite without the audit key (hash recomputed, MAC cannot be)", async () => {
      const { t, storage, log, list } = await setup();
      const e = await rawEntry(storage, 4);
      // The attacker swaps in another entry's body and keeps the chain link, but cannot produce the MAC.
      const { entryHash } = await import("./entry.js");
      const body = list[0]!.body;
      const construction = format === "v3" ? "v3" : "v2";
      put(t, 4, { ...e, body, hash: entryHash(construction, 4, e.time, e.prev, hexToBytes(body)) });
      expect(await log.verify()).toMatchObject({
        ok: false,
        firstBadSeq: 4,
        reason: expect.stringMatching(/MAC/),
      });
    });

    it("a removed middle entry", async () => {
      const { t, log } = await setup();
      writeRow(t, 2, undefined);
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2, entries: 1 });
    });

    it("a removed last entry (the MACed head remembers it)", async () => {
      const { t, log } = await setup();
      writeRow(t, 5, undefined);
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 5, entries: 4 });
    });

    it("a removed head record", async () => {
      const { storage, log } = await setup();
      await storage.state.delete(HEAD_TABLE, HEAD_KEY);
      expect(await log.verify()).toMatchObject({ ok: false });
    });

    it("two entries swapped (reordered)", async () => {
      const { t, storage, log } = await setup();
      const e2 = await rawEntry(storage, 2);
      const e3 = await rawEntry(storage, 3);
      put(t, 2, e3);
      put(t, 3, e2);
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2, entries: 1 });
    });

    it("an inserted entry at the end and a duplicated entry", async () => {
      const { t, storage, log } = await setup();
      const e5 = await rawEntry(storage, 5);
      put(t, 6, { ...e5, seq: 6, prev: e5.hash });
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 6, entries: 5 });
      writeRow(t, 6, undefined);
      expect(await log.verify()).toEqual({ ok: true, entries: 5 });
      put(t, 3, await rawEntry(storage, 2));
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
    });

    if (format === "json")
      it("an upper-cased hex digit (the same bytes, but not the written form)", async () => {
        const { t, storage, log } = await setup(3);
        const e = await rawEntry(storage, 2);
        const at = e.mac.search(/[a-f]/);
        const mac = e.mac.slice(0, at) + e.mac.charAt(at).toUpperCase() + e.mac.slice(at + 1);
        put(t, 2, { ...e, mac });
        expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
      });

    it("a row in neither format", async () => {
      const { t, log } = await setup(2);
      writeRow(t, 2, enc.encode("{not json"));
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
    });

    if (format === "json")
      it("any single flipped character of any stored entry (property)", async () => {
        const { t, storage, log } = await setup(4);
        const originals = await Promise.all([1, 2, 3, 4].map((s) => storage.log.get(s)));
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.nat(), fc.nat(), async (seq, pos, delta) => {
            const original = originals[seq - 1]!;
            const text = dec.decode(original);
            const i = pos % text.length;
            const replacement = String.fromCharCode(32 + ((text.charCodeAt(i) - 32 + 1 + (delta % 94)) % 95));
            writeRow(t, seq, enc.encode(text.slice(0, i) + replacement + text.slice(i + 1)));
            try {
              const r = await log.verify();
              const mutatedJson = (() => {
                try {
                  return JSON.stringify(JSON.parse(text.slice(0, i) + replacement + text.slice(i + 1)));
                } catch {
                  return undefined;
                }
              })();
              // A flip that leaves the parsed record identical (e.g. inside JSON whitespace) cannot be a tamper.
              if (mutatedJson === JSON.stringify(JSON.parse(text))) expect(r.ok).toBe(true);
              else expect(r).toMatchObject({ ok: false, firstBadSeq: seq });
            } finally {
              writeRow(t, seq, original);
            }
          }),
          { numRuns: 60 },
        );
      });

    if (format !== "json")
      it("any single changed byte of any stored row, and a cut row (property)", async () => {
        const { t, storage, log } = await setup(4);
        const originals = await Promise.all([1, 2, 3, 4].map((s) => storage.log.get(s)));
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 4 }),
            fc.nat(),
            fc.integer({ min: 1, max: 255 }),
            async (seq, pos, x) => {
              const original = originals[seq - 1]!;
              const changed = Uint8Array.from(original);
              changed[pos % changed.length]! ^= x;
              writeRow(t, seq, changed);
              try {
                expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: seq });
                writeRow(t, seq, original.subarray(0, pos % original.length));
                expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: seq });
              } finally {
                writeRow(t, seq, original);
              }
            },
          ),
          { numRuns: 60 },
        );
        expect(await log.verify()).toEqual({ ok: true, entries: 4 });
      });
  },
);
