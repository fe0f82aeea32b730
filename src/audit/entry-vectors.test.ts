// Audit entries of row version 3 against known answers computed by src/audit/audit.vectors.py (hashlib, hmac).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8 } from "../crypto/bytes.js";
import { HmacSha256Key } from "../crypto/hash.js";
import type { LogReader, StateReader } from "../store/ports.js";
import { buildEntry, entryHash, HEAD_KEY, HEAD_TABLE } from "./entry.js";
import { decodeEntryRow } from "./entry-row.js";
import { verifyChain } from "./verify.js";

// Output of `python3 src/audit/audit.vectors.py` (MAC key 40 41 … 5f).
const MAC_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const V1 = {
  seq: 1,
  time: 1_765_000_000_000,
  body: utf8("keyward audit vector body 1"),
  hash: "3f650f052b034e4d11f2768170224cf0a98a838e1f3d08963b6bd118cdedbcbc",
  mac: "0388e09247d5ad85f673e4801c02ec7c72e74251d153248c37fba940daa195d4",
  row:
    "0300000000000000010000019af232b2000000000000000000000000000000000000000000000000000000000000000000" +
    "3f650f052b034e4d11f2768170224cf0a98a838e1f3d08963b6bd118cdedbcbc" +
    "0388e09247d5ad85f673e4801c02ec7c72e74251d153248c37fba940daa195d4" +
    "6b65797761726420617564697420766563746f7220626f64792031",
};
const V2 = {
  seq: 2,
  time: 1_765_000_000_001,
  body: new Uint8Array(1),
  hash: "74bf4a2f4ace3074a3884c4ccb0f151b1df5c127c7c8d5e649bbfcae95201510",
  mac: "24c7887cf806f65a1034b3236a6ab65864d311ae7cf4113605236e40d03099cc",
  row:
    "0300000000000000020000019af232b201" +
    "3f650f052b034e4d11f2768170224cf0a98a838e1f3d08963b6bd118cdedbcbc" +
    "74bf4a2f4ace3074a3884c4ccb0f151b1df5c127c7c8d5e649bbfcae95201510" +
    "24c7887cf806f65a1034b3236a6ab65864d311ae7cf4113605236e40d03099cc" +
    "00",
  headMac: "031080e3d8b90dcf8fba2a9635911d1f4d4b66c4dfe5f12fc4753253903b2705",
};
// seq 2^32 + 5 and time 2^40 + 7 (both u64 words used), after V2; body 00 01 … ff twice.
const V3 = {
  seq: 2 ** 32 + 5,
  time: 2 ** 40 + 7,
  body: Uint8Array.from({ length: 512 }, (_, i) => i & 0xff),
  hash: "d40057b8fb4dc66237ef7981c00bf2ddf02368aad1501a16e900f9bcd5699174",
  mac: "a2ab9152f593ce3ff31788d174622ecef5af1a4fb0141bc2a0b26a9b210869d3",
  rowSha256: "f24ed914e6d5fb5f8179ff493b869200037714c436c922dfac4b2798a63a1002",
  rowLength: 625,
};

/** The first vector's entry as `AuditEntry` has it (byte fields in lower-case hex). */
const V1_ENTRY = {
  seq: 1,
  time: V1.time,
  prev: "0".repeat(64),
  body: bytesToHex(V1.body),
  hash: V1.hash,
  mac: V1.mac,
};
const keys = () => ({ mac: new HmacSha256Key(MAC_KEY), field: new Uint8Array(32) });

describe("audit entry v3 known answers (Python hashlib/hmac)", () => {
  it("hash, MAC and stored row of a chain of entries, the first linking to 32 zero bytes", () => {
    const k = keys();
    const one = buildEntry(k, V1.seq, V1.time, new Uint8Array(32), V1.body);
    expect(bytesToHex(one.hash)).toBe(V1.hash);
    expect(bytesToHex(one.row)).toBe(V1.row);
    expect(one.entry).toEqual(V1_ENTRY);
    const two = buildEntry(k, V2.seq, V2.time, one.hash, V2.body);
    expect(bytesToHex(two.row)).toBe(V2.row);
    expect([two.entry.hash, two.entry.mac, two.entry.prev]).toEqual([V2.hash, V2.mac, V1.hash]);
    const three = buildEntry(k, V3.seq, V3.time, two.hash, V3.body);
    expect([three.entry.hash, three.entry.mac]).toEqual([V3.hash, V3.mac]);
    expect(three.row.length).toBe(V3.rowLength);
    expect(createHash("sha256").update(three.row).digest("hex")).toBe(V3.rowSha256);
    expect(entryHash("v3", V3.seq, V3.time, V2.hash, V3.body)).toBe(V3.hash);
  });

  it("the Python rows decode as version 3 and verify as a log, with the Python head MAC", async () => {
    expect(decodeEntryRow(hexToBytes(V1.row))).toEqual({
      version: "v3",
      entry: V1_ENTRY,
    });
    const rows = [V1.row, V2.row].map((r, i) => ({ seq: i + 1, value: hexToBytes(r) }));
    const head = utf8(JSON.stringify({ seq: 2, hash: V2.hash, mac: V2.headMac }));
    const reader = (logRows: typeof rows, headRow: Uint8Array) => ({
      log: {
        async *scan() {
          yield* logRows;
        },
      } as unknown as LogReader,
      state: {
        async get(table: string, key: string) {
          return table === HEAD_TABLE && key === HEAD_KEY ? headRow : undefined;
        },
        async *scan() {},
      } as unknown as StateReader,
    });
    expect(await verifyChain(reader(rows, head), keys())).toEqual({ ok: true, entries: 2 });
    // One changed body byte of the first row: its hash no longer matches.
    const tampered = Uint8Array.from(rows[0]!.value);
    tampered[tampered.length - 1]! ^= 1;
    expect(await verifyChain(reader([{ seq: 1, value: tampered }, rows[1]!], head), keys())).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: expect.stringMatching(/hash/),
    });
  });
});
