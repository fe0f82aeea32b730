// Stored index snapshots on SQLite and the real Postgres server: open = snapshot + tail, corrupt → full replay.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Storage } from "../store/ports.js";
import { TEST_BACKENDS, type TestStorage } from "../store/testing.js";
import type { DelegationIndex } from "./delegation-index.js";
import { DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES } from "./event-log.js";
import { loadIndexSnapshot, snapshotManifest, writeIndexSnapshot } from "./snapshot-store.js";

const T = DELEGATION_TABLES.snapshot;

/** Event i of a small valid log: 35 pairs (string and integer ids) granted in turn, expiring, revoked, re-granted. */
function eventAt(i: number): object {
  const q = i % 35;
  const round = Math.floor(i / 35);
  const delegator = q % 5 === 0 ? `user-${q}` : q;
  const provider = q % 3 === 0 ? "A" : 7;
  const at = 10 * i;
  if (round > 0 && (round + q) % 4 === 3) return { op: "revoke", delegator, provider, at };
  const expiry = (round + q) % 6 === 1 ? { expiresAt: at + 25 } : {};
  return { op: "grant", delegator, provider, scopes: [round % 2, "posts"], at, ...expiry };
}

/** Writes events [from, to) in batches of 50. */
async function writeLog(store: DelegationStore, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(to, i + 50); j++) batch.push(eventAt(j));
    await store.write(batch);
  }
}

/** Runs `fn` on a fresh store of the backend holding events [0, events), then cleans the store up. */
async function withLog(
  openTest: () => Promise<TestStorage>,
  events: number,
  fn: (t: TestStorage, store: DelegationStore) => Promise<void>,
): Promise<void> {
  const t = await openTest();
  try {
    const store = await DelegationStore.open(t.storage);
    await writeLog(store, 0, events);
    await fn(t, store);
  } finally {
    await t.cleanup();
  }
}

/** `s` with its transactions run by `transaction` (and no snapshot directory unless `derivedDir` is given). */
function storageWith(s: Storage, transaction: Storage["transaction"], derivedDir?: string): Storage {
  const base = { backend: s.backend, state: s.state, secrets: s.secrets, log: s.log, close: () => s.close() };
  return derivedDir === undefined ? { ...base, transaction } : { ...base, derivedDir, transaction };
}

function answers(index: DelegationIndex): unknown {
  const out: unknown[] = [index.lastSeq];
  for (let d = 0; d < 35; d++)
    for (const delegator of [d, `user-${d}`])
      for (const provider of ["A", 7]) {
        out.push(index.history(delegator, provider));
        for (let at = 0; at < 4200; at += 37)
          out.push(index.check(delegator, provider, "posts", at).authorized);
      }
  return out;
}

/** Snapshot chunk keys currently stored (the manifest excluded). */
async function chunkKeys(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const e of storage.state.scan(T)) if (e.key !== "manifest") keys.push(e.key);
  return keys;
}

describe.each(TEST_BACKENDS)("index snapshot in the state store (%s)", (_name, openTest) => {
  it("open = snapshot + tail replay, answering like a full replay; upToSeq below the snapshot replays fully", async () => {
    const t = await openTest();
    try {
      const writer = await DelegationStore.open(t.storage);
      expect(writer.opened).toMatchObject({ snapshot: "none", replayed: 0 });
      await writeLog(writer, 0, 300);
      const early = answers((await DelegationStore.open(t.storage, 120)).index);
      // Many small chunks, so chunk handling is exercised on a small log.
      const w = await writeIndexSnapshot(t.storage, writer.index, { chunkBytes: 512 });
      expect(w).toMatchObject({ written: true, seq: writer.index.lastSeq });
      expect(w.chunks).toBeGreaterThan(3);
      expect(await chunkKeys(t.storage)).toHaveLength(w.chunks);
      await writeLog(writer, 300, 340);

      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.opened).toMatchObject({ snapshot: "loaded", snapshotSeq: w.seq, replayed: 40 });
      expect(answers(reopened.index)).toEqual(answers(writer.index));
      // A write after a snapshot open continues the log without a gap.
      await reopened.write([{ op: "grant", delegator: 1, provider: "A", scopes: [9], at: 99_999 }]);
      expect(reopened.index.lastSeq).toBe(writer.index.lastSeq + 1);
      await writer.sync();
      expect(answers(reopened.index)).toEqual(answers(writer.index));

      // Older than the snapshot (prove rebuilds old states): full replay up to it.
      const old = await DelegationStore.open(t.storage, 120);
      expect(old.opened).toMatchObject({ snapshot: "newer", snapshotSeq: w.seq, replayed: 120 });
      expect(answers(old.index)).toEqual(early);
      const between = await DelegationStore.open(t.storage, w.seq + 10);
      expect(between.opened).toMatchObject({ snapshot: "loaded", replayed: 10 });
      expect(between.index.lastSeq).toBe(w.seq + 10);
    } finally {
      await t.cleanup();
    }
  });

  it("a new snapshot replaces the old one in one transaction (old chunks deleted); an older one is not written", () =>
    withLog(openTest, 100, async (t, store) => {
      const stale = await DelegationStore.open(t.storage);
      const first = await writeIndexSnapshot(t.storage, store.index, { chunkBytes: 256 });
      await writeLog(store, 100, 150);
      const second = await store.snapshot();
      const dir = t.storage.derivedDir;
      if (dir === undefined) {
        expect(second).toMatchObject({ written: true, seq: 150, chunks: 1 });
        expect(await chunkKeys(t.storage)).toEqual(["0000000000000150/000000"]);
      } else {
        // A SQLite database file: the snapshot is one file next to it, the old chunks are gone.
        expect(second).toMatchObject({
          written: true,
          seq: 150,
          chunks: 0,
          file: expect.stringMatching(/^index-0000000000000150-[0-9a-f]{16}\.snap$/),
        });
        expect(await chunkKeys(t.storage)).toEqual([]);
        expect(readdirSync(dir)).toEqual([second.file]);
      }
      expect(first.chunks).toBeGreaterThan(1);
      expect(await writeIndexSnapshot(t.storage, stale.index)).toEqual({ ...second, written: false });
      expect((await snapshotManifest(t.storage))?.seq).toBe(150);
      // Threshold: nothing due right after a snapshot; due once enough events were applied.
      expect(await store.snapshotIfDue(5)).toBeUndefined();
      await writeLog(store, 150, 156);
      const third = await store.snapshotIfDue(5);
      expect(third).toMatchObject({ written: true, seq: 156 });
      // The replaced file is removed once the new manifest is committed; the stale writer left none behind.
      if (dir !== undefined) expect(readdirSync(dir)).toEqual([third!.file]);
    }));

  it("a write that dies half-way (after some chunks, old chunks already deleted) leaves the old snapshot whole", () =>
    withLog(openTest, 100, async (t, store) => {
      const first = await writeIndexSnapshot(t.storage, store.index, { chunkBytes: 256 });
      const before = await chunkKeys(t.storage);
      await writeLog(store, 100, 150);
      // The real storage, with a transaction whose third snapshot put fails like a crash mid-write.
      let puts = 0;
      const s = t.storage;
      const dying = storageWith(s, (fn) =>
        s.transaction((tx) =>
          fn({
            secrets: tx.secrets,
            log: tx.log,
            lock: (scope, keys, mode) => tx.lock(scope, keys, mode),
            state: {
              get: (table, key) => tx.state.get(table, key),
              scan: (table, options) => tx.state.scan(table, options),
              insert: (table, key, value) => tx.state.insert(table, key, value),
              getMany: (table, keys) => tx.state.getMany(table, keys),
              insertMany: (table, entries) => tx.state.insertMany(table, entries),
              delete: (table, key) => tx.state.delete(table, key),
              put: async (table, key, value) => {
                if (table === T && ++puts === 3) throw new Error("simulated crash");
                return tx.state.put(table, key, value);
              },
            },
          }),
        ),
      );
      await expect(writeIndexSnapshot(dying, store.index, { chunkBytes: 256 })).rejects.toThrow(
        "simulated crash",
      );
      expect(await chunkKeys(t.storage)).toEqual(before);
      expect((await snapshotManifest(t.storage))?.seq).toBe(first.seq);
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.opened).toMatchObject({ snapshot: "loaded", snapshotSeq: 100, replayed: 50 });
      expect(answers(reopened.index)).toEqual(answers(store.index));
    }));

  it("a file snapshot whose manifest never commits (crash after the file) leaves the old one; the next write removes the orphan", async () => {
    const t = await openTest();
    try {
      const dir = t.storage.derivedDir;
      if (dir === undefined) return; // PostgreSQL: chunks only (the case above)
      const store = await DelegationStore.open(t.storage);
      await writeLog(store, 0, 100);
      const first = await store.snapshot();
      await writeLog(store, 100, 150);
      const s = t.storage;
      const dying = storageWith(s, () => Promise.reject(new Error("simulated crash")), dir);
      await expect(writeIndexSnapshot(dying, store.index)).rejects.toThrow("simulated crash");
      // The new file was written (synced, renamed) but no manifest names it: the old snapshot is the one.
      expect(readdirSync(dir).sort()).toEqual([
        first.file,
        expect.stringMatching(/^index-0000000000000150-/),
      ]);
      expect(await snapshotManifest(t.storage)).toMatchObject({ seq: 100, file: first.file });
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.opened).toMatchObject({ snapshot: "loaded", snapshotSeq: 100, replayed: 50 });
      expect(answers(reopened.index)).toEqual(answers(store.index));
      await writeLog(store, 150, 160);
      const next = await store.snapshot();
      expect(readdirSync(dir)).toEqual([next.file]);
    } finally {
      await t.cleanup();
    }
  });

  it("a corrupt, truncated or missing chunk, a bad manifest or a rewritten log → full replay, reported", () =>
    withLog(openTest, 200, async (t, store) => {
      const expected = answers(store.index);
      const fresh = async () => {
        await t.storage.transaction(async (tx) => {
          for await (const e of tx.state.scan(T)) await tx.state.delete(T, e.key);
        });
        return writeIndexSnapshot(t.storage, store.index, { chunkBytes: 1024 });
      };
      const fallsBack = async (reason: RegExp) => {
        const s = await DelegationStore.open(t.storage);
        expect(s.opened).toMatchObject({
          snapshot: "failed",
          replayed: 200,
          error: expect.stringMatching(reason),
        });
        expect(answers(s.index)).toEqual(expected);
      };
      const key1 = "0000000000000200/000001";

      await fresh();
      const chunk = (await t.storage.state.get(T, key1))!.slice();
      chunk[100]! ^= 0x40;
      await t.storage.state.put(T, key1, chunk);
      await fallsBack(/^delegation index snapshot is corrupt: CRC-32 differs from the manifest$/);
      // A manifest without a CRC-32 (as the previous version wrote them): the format's SHA-256 catches it.
      const { crc32: _crc32, ...noCrc } = (await snapshotManifest(t.storage))!;
      await t.storage.state.put(T, "manifest", new TextEncoder().encode(JSON.stringify(noCrc)));
      await fallsBack(/^delegation index snapshot is corrupt: checksum mismatch$/);

      await fresh();
      await t.storage.state.put(T, key1, (await t.storage.state.get(T, key1))!.subarray(0, 1000));
      await fallsBack(/chunk 1 has 1000 bytes, expected 1024/);

      await fresh();
      await t.storage.state.delete(T, key1);
      await fallsBack(/chunk 1 of \d+ is missing/);

      const m = (await fresh()) && (await snapshotManifest(t.storage))!;
      await t.storage.state.put(
        T,
        "manifest",
        new TextEncoder().encode(JSON.stringify({ ...m, checksum: "00".repeat(32) })),
      );
      await fallsBack(/checksum differs from the manifest/);
      await t.storage.state.put(T, "manifest", new TextEncoder().encode("{not json"));
      await fallsBack(/manifest is not JSON/);
      await t.storage.state.put(T, "manifest", new TextEncoder().encode(JSON.stringify({ ...m, chunks: 1 })));
      await fallsBack(/manifest is malformed/);
      await t.storage.state.put(
        T,
        "manifest",
        new TextEncoder().encode(JSON.stringify({ ...m, version: 99 })),
      );
      await fallsBack(/unsupported format version 99/);

      // The log's event at the snapshot position is not the one the snapshot covered (e.g. another database).
      await fresh();
      const raw = (await t.storage.state.get(DELEGATION_TABLES.event, "0000000000000200"))!;
      await t.storage.state.put(
        DELEGATION_TABLES.event,
        "0000000000000200",
        new TextEncoder().encode(`${new TextDecoder().decode(raw)} `),
      );
      await fallsBack(/log event 200 is not the one it covered/);
      await t.storage.state.put(DELEGATION_TABLES.event, "0000000000000200", raw);

      // A snapshot file (SQLite database file): flipped, truncated, missing, or a manifest naming another file.
      const dir = t.storage.derivedDir;
      if (dir !== undefined) {
        const written = await store.snapshot();
        const path = join(dir, written.file!);
        const good = readFileSync(path);
        const flipped = Buffer.from(good);
        flipped[good.length >> 1]! ^= 0x01;
        writeFileSync(path, flipped);
        await fallsBack(/^delegation index snapshot is corrupt: CRC-32 differs from the manifest$/);
        writeFileSync(path, good.subarray(0, 1000));
        await fallsBack(/file has 1000 bytes, expected \d+$/);
        rmSync(path);
        await fallsBack(/file index-0000000000000200-[0-9a-f]{16}\.snap is missing$/);
        writeFileSync(path, good);
        expect((await DelegationStore.open(t.storage)).opened).toMatchObject({ snapshot: "loaded" });
        const fm = (await snapshotManifest(t.storage))!;
        await t.storage.state.put(
          T,
          "manifest",
          new TextEncoder().encode(JSON.stringify({ ...fm, file: "../keyward.db" })),
        );
        await fallsBack(/manifest is malformed/);
      }

      // `keyward delegations snapshot` repairs it: a corrupt manifest is replaced.
      await t.storage.state.put(T, "manifest", new TextEncoder().encode("{not json"));
      expect(await store.snapshot()).toMatchObject({ written: true, seq: 200 });
      expect((await DelegationStore.open(t.storage)).opened).toMatchObject({
        snapshot: "loaded",
        replayed: 0,
      });
      expect(await loadIndexSnapshot(t.storage, 199)).toEqual({ status: "newer", seq: 200 });
      await expect(loadIndexSnapshot(t.storage, -1)).rejects.toThrow(/upToSeq must be between/);
      await expect(DelegationStore.open(t.storage, 1.5)).rejects.toThrow(TypeError);
    }));
});
