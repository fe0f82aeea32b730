// Bulk import paths: lines not in normal form, hash-less id records, an interleaving writer, a file changed
// between passes, earlier versions' BLAKE3 progress keys, and the same on PostgreSQL.
import { blake3 } from "@noble/hashes/blake3.js";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { RecordTable } from "../store/records.js";
import { openTestSqliteStorage, TEST_BACKENDS, type TestStorage } from "../store/testing.js";
import { DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES, idRecords } from "./event-log.js";
import { parseEvent } from "./events.js";
import { checkEvents } from "./import-check.js";
import { ImportRefusedError, importEvents } from "./import-events.js";
import { loggedEventBytes, scanLogged } from "./log-segments.js";

const enc = new TextEncoder();
const chunks = (text: string | Uint8Array, size = 11) =>
  async function* () {
    const bytes = typeof text === "string" ? enc.encode(text) : text;
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  };
const ndjson = (...objs: object[]) => `${objs.map((o) => JSON.stringify(o)).join("\n")}\n`;

async function withStore(
  open: () => Promise<TestStorage>,
  fn: (store: DelegationStore, t: TestStorage) => Promise<void>,
) {
  const t = await open();
  try {
    await fn(await DelegationStore.open(t.storage), t);
  } finally {
    await t.cleanup();
  }
}

describe.each(TEST_BACKENDS)("bulk import (%s)", (_name, open) => {
  it("stores lines not in normal form normalised, and ids that later writes recognise", async () => {
    await withStore(open, async (store, t) => {
      const text =
        "\uFEFF" +
        '{"at":100,"scopes":[1],"provider":"A","delegator":7,"op":"grant","id":"k\\"1"}\r\n' +
        '   \n{"op":"grant","delegator":8,"provider":"A","scopes":[1,2],"at":100,"id":"é/2"}\n' +
        '{ "op": "revoke", "delegator": 8, "provider": "A", "at": 150 }\n' +
        '{"op":"grant","delegator":9,"provider":"B","scopes":["x"],"at":5,"expiresAt":9}';
      const s = await importEvents(store, { open: chunks(text), batchSize: 2 });
      expect(s).toMatchObject({ lines: 5, events: 4, applied: 4, duplicates: 0 });
      for (let seq = 1; seq <= 4; seq++) {
        const raw = await loggedEventBytes(t.storage.state, seq);
        const value = JSON.parse(Buffer.from(raw!).toString());
        expect(JSON.stringify(value)).toBe(JSON.stringify(parseEvent(value)));
      }
      expect(await idRecords.get(t.storage.state, 'k"1')).toEqual({ seq: 1 });
      expect(await idRecords.get(t.storage.state, "é/2")).toEqual({ seq: 2 });
      expect(store.index.check(7, "A", 1, 120).authorized).toBe(true);
      expect(store.index.check(8, "A", 2, 160).authorized).toBe(false);
      expect(store.index.check(9, "B", "x", 9).authorized).toBe(false);
      const again = { op: "grant", delegator: 7, provider: "A", scopes: [1], at: 100, id: 'k"1' };
      expect(await store.write([again])).toEqual([{ status: "duplicate", seq: 1 }]);
      await expect(store.write([{ ...again, at: 101 }])).rejects.toMatchObject({ code: "conflict" });
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.index.check(8, "A", 1, 120)).toEqual(store.index.check(8, "A", 1, 120));
    });
  });

  it("a second file: stored ids are duplicates, a reused id refuses the whole file", async () => {
    await withStore(open, async (store) => {
      const a = { op: "grant", delegator: 1, provider: "P", scopes: [1], at: 10, id: "a" };
      const b = { op: "revoke", delegator: 1, provider: "P", scopes: [1], at: 20, id: "b" };
      await importEvents(store, { open: chunks(ndjson(a, b)) });
      const c = { op: "grant", delegator: 1, provider: "P", scopes: [1], at: 30, id: "c" };
      const s = await importEvents(store, { open: chunks(ndjson(a, b, c, c)) });
      expect(s).toMatchObject({ applied: 1, duplicates: 3 });
      expect(store.index.lastSeq).toBe(3);
      const bad = { ...c, id: "b", at: 40 };
      const err = await importEvents(store, { open: chunks(ndjson(bad, { ...c, id: "d", at: 50 })) }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ImportRefusedError);
      expect((err as ImportRefusedError).errors).toEqual([
        { line: 1, code: "conflict", message: 'id "b" was already used for a different event' },
      ]);
      expect(store.index.lastSeq).toBe(3);
    });
  });

  it("an id used twice within the file: the same event (any spelling) is a duplicate, another event refuses", async () => {
    await withStore(open, async (store) => {
      const a = { op: "grant", delegator: 1, provider: "P", scopes: [1], at: 10, id: "a" };
      const b = { op: "grant", delegator: 2, provider: "P", scopes: [1], at: 10, id: "b" };
      const respelled =
        '{ "id": "a", "at": 10, "scopes": ["1"], "provider": "P", "delegator": "1", "op": "grant" }';
      const refused = await importEvents(store, {
        open: chunks(`${ndjson(a, b)}${respelled}\n${ndjson({ ...b, at: 11 }, { ...a, delegator: 3 })}`),
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ImportRefusedError);
      expect((refused as ImportRefusedError).errors).toEqual([
        { line: 4, code: "conflict", message: 'id "b" is used twice for different events' },
        { line: 5, code: "conflict", message: 'id "a" is used twice for different events' },
      ]);
      expect(store.index.lastSeq).toBe(0);
      const s = await importEvents(store, { open: chunks(`${ndjson(a, b)}${respelled}\n${ndjson(b)}`) });
      expect(s).toMatchObject({ applied: 2, duplicates: 2 });
      expect(store.index.lastSeq).toBe(2);
    });
  });

  it("the check pass finds the same with exact ids (its fallback after a hash collision) as with hashed ids", async () => {
    await withStore(open, async (store) => {
      const a = { op: "grant", delegator: 1, provider: "P", scopes: [1], at: 10, id: "a" };
      const b = { op: "grant", delegator: 2, provider: "P", scopes: [1], at: 10, id: "b" };
      const text = ndjson(a, b, a, { ...b, at: 12 }, { op: "revoke", delegator: 9, provider: "P", at: 13 });
      const run = (exactIds: boolean) =>
        checkEvents(chunks(text)(), {
          state: store.storage.state,
          copy: store.index.clone(),
          from: 0,
          batchSize: 2,
          reopen: chunks(text),
          exactIds,
        });
      const hashed = await run(false);
      const exact = await run(true);
      expect(exact).toEqual(hashed);
      expect(exact.errors).toEqual([
        { line: 4, code: "conflict", message: 'id "b" is used twice for different events' },
        {
          line: 5,
          code: "not_found",
          message: "no delegation from this delegator to this provider to revoke",
        },
      ]);
      expect(exact).toMatchObject({ lines: 5, events: 5 });
    });
  });

  it("a file that changes while its repeated ids are compared is refused, nothing applied", async () => {
    await withStore(open, async (store) => {
      const a = { op: "grant", delegator: 1, provider: "P", scopes: [1], at: 10, id: "a" };
      let opened = 0;
      const err = await importEvents(store, {
        open: () => chunks(++opened === 2 ? ndjson(a, { ...a, at: 11 }) : ndjson(a, a))(),
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "conflict", message: expect.stringMatching(/file changed/) });
      expect(store.index.lastSeq).toBe(0);
    });
  });

  it("another writer interleaving: the rest is re-validated through write, nothing lost", async () => {
    await withStore(open, async (store, t) => {
      const events = Array.from({ length: 40 }, (_, i) => ({
        op: "grant",
        delegator: 100 + i,
        provider: "P",
        scopes: [1],
        at: 10,
        id: `e${i}`,
      }));
      const text = ndjson(...events);
      const other = await DelegationStore.open(t.storage);
      let opened = 0;
      const s = await importEvents(store, {
        batchSize: 8,
        open: () => {
          opened++;
          const inner = chunks(text, 64)();
          if (opened !== 2) return inner;
          return (async function* () {
            let n = 0;
            for await (const c of inner) {
              // After the first batches are committed, another instance writes (a new event and one of ours).
              if (++n === 8)
                await other.write([{ ...events[39]! }, { ...events[0]!, delegator: 5, id: "x" }]);
              yield c;
            }
          })();
        },
      });
      expect(s).toMatchObject({ applied: 39, duplicates: 1 });
      expect(store.index.lastSeq).toBe(41);
      expect(store.index.check(5, "P", 1, 11).authorized).toBe(true);
      for (let i = 0; i < 40; i++) expect(store.index.check(100 + i, "P", 1, 11).authorized).toBe(true);
      let logged = 0;
      for await (const { seq } of scanLogged(t.storage.state, 0)) expect(seq).toBe(++logged);
      expect(logged).toBe(41);
    });
  });

  it("a file that changes between the passes is refused before the changed batch is written", async () => {
    await withStore(open, async (store) => {
      const events = Array.from({ length: 20 }, (_, i) => ({
        op: "grant",
        delegator: i,
        provider: "P",
        scopes: [1],
        at: 10,
      }));
      const text = ndjson(...events);
      let opened = 0;
      const err = await importEvents(store, {
        batchSize: 5,
        open: () => chunks(++opened === 2 ? text.replace('"delegator":12,', '"delegator":99,') : text)(),
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "conflict", message: expect.stringMatching(/file changed/) });
      expect(store.index.lastSeq).toBe(10);
      expect(store.index.check(99, "P", 1, 11).authorized).toBe(false);
    });
  });
});

it("resumes an import interrupted under an earlier version's BLAKE3 progress key", async () => {
  await withStore(openTestSqliteStorage, async (store, t) => {
    const events = Array.from({ length: 6 }, (_, i) => ({
      op: "grant",
      delegator: i,
      provider: "P",
      scopes: [1],
      at: 1,
    }));
    const text = ndjson(...events);
    await store.write(events.slice(0, 2));
    const legacyKey = bytesToHex(blake3(enc.encode(text)));
    const progress = new RecordTable<{ lines: number; done: boolean }>(DELEGATION_TABLES.import);
    await progress.put(t.storage.state, legacyKey, { lines: 2, done: false });
    const s = await importEvents(store, { open: chunks(text) });
    expect(s).toMatchObject({ resumedAfterLine: 2, applied: 4 });
    expect(await progress.get(t.storage.state, legacyKey)).toEqual({ lines: 6, done: true });
    expect(await importEvents(store, { open: chunks(text) })).toMatchObject({
      applied: 0,
      resumedAfterLine: 6,
    });
    expect(store.index.lastSeq).toBe(6);
  });
});

it("a size hint (room reserved from the first chunk) changes nothing, whether right, far too large, too small or absurd", async () => {
  // Grants of 1–3 scopes first, then revokes and re-grants, ids repeated: the shape a first sync reads.
  const events: object[] = [];
  for (let d = 0; d < 400; d++)
    events.push({
      op: "grant",
      delegator: d,
      provider: d % 9,
      scopes: [1, 2, 3].slice(0, 1 + (d % 3)),
      at: d,
      id: `g${d}`,
    });
  for (let d = 0; d < 400; d += 2)
    events.push({ op: "revoke", delegator: d, provider: d % 9, at: 1000 + d, id: `r${d}` });
  events.push(events[5]!, events[401]!);
  const text = ndjson(...events);
  const imported = async (size?: number) => {
    let out:
      | { summary: object; log: string[]; answers: boolean[]; stats: object; ids: unknown[] }
      | undefined;
    await withStore(openTestSqliteStorage, async (store, t) => {
      const summary = await importEvents(store, {
        open: chunks(text, 4096),
        ...(size === undefined ? {} : { size }),
      });
      const log: string[] = [];
      for await (const { bytes } of scanLogged(t.storage.state, 0)) log.push(Buffer.from(bytes).toString());
      const answers = [];
      for (let d = 0; d < 400; d++)
        for (const at of [d, 999 + d, 1001 + d]) answers.push(store.index.check(d, d % 9, 1, at).authorized);
      const ids = [];
      for (const id of ["g0", "g9", "g123", "r398"]) ids.push(await idRecords.get(t.storage.state, id));
      out = { summary, log, answers, stats: store.index.stats(), ids }; // sizes too: compact undid the room
    });
    return out!;
  };
  const plain = await imported();
  expect(plain.summary).toMatchObject({ events: 602, applied: 600, duplicates: 2 });
  // Lines 1, 10, 124 and 600 (the 200th revoke) of the file.
  expect(plain.ids).toEqual([{ seq: 1 }, { seq: 10 }, { seq: 124 }, { seq: 600 }]);
  // 1e15: a reservation no allocator grants is skipped.
  for (const size of [text.length, 100 * text.length, 1, 1e15]) expect(await imported(size)).toEqual(plain);
});
