// Leak test: after a randomized workload, no secret ever written appears in any stored byte (raw/hex/base64/base64url).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { rotateStorageRootKey } from "../src/store/open.js";
import type { SealedStorage } from "../src/store/sealed-storage.js";
import { deriveRootKey } from "../src/store/sealing/root-key.js";
import { addDataKey } from "../src/store/sealing/unseal.js";
import {
  openTestPostgresStorage,
  openTestSqliteStorage,
  TEST_PG_URL,
  type TestStorage,
} from "../src/store/testing.js";

const OPS = 1200;

/** A small seeded PRNG (mulberry32) so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every way the bytes could show up: raw, hex (both cases), and base64/base64url at each of the three
 * alignments inside a longer encoded stream (edge characters that depend on neighbouring bytes are cut).
 */
function needles(secret: Uint8Array): Buffer[] {
  const out = [Buffer.from(secret)];
  const hex = Buffer.from(secret).toString("hex");
  out.push(Buffer.from(hex), Buffer.from(hex.toUpperCase()));
  for (const enc of ["base64", "base64url"] as const) {
    for (let shift = 0; shift < 3; shift++) {
      const text = Buffer.concat([Buffer.alloc(shift), secret])
        .toString(enc)
        .replace(/=+$/, "");
      out.push(Buffer.from(text.slice(Math.ceil((shift * 4) / 3) + 1, -3)));
    }
  }
  return out;
}

/** All needles of all secrets, indexed by their first 8 bytes so one pass over a haystack checks them all. */
class NeedleIndex {
  readonly #byHead = new Map<bigint, { needle: Buffer; label: string }[]>();

  constructor(secrets: Uint8Array[]) {
    for (const [i, s] of secrets.entries())
      for (const [j, needle] of needles(s).entries()) {
        // Every needle is ≥ 16 bytes (secrets are ≥ 16 random bytes), so an 8-byte head always exists.
        const head = needle.readBigUInt64LE(0);
        const list = this.#byHead.get(head) ?? [];
        list.push({ needle, label: `secret #${i} form #${j}` });
        this.#byHead.set(head, list);
      }
  }

  /** Every needle found in `haystack`, described with `where`. */
  hits(haystack: Buffer, where: string): string[] {
    const found: string[] = [];
    for (let i = 0; i + 8 <= haystack.length; i++) {
      const list = this.#byHead.get(haystack.readBigUInt64LE(i));
      if (!list) continue;
      for (const { needle, label } of list)
        if (haystack.subarray(i, i + needle.length).equals(needle)) found.push(`${where}@${i}: ${label}`);
    }
    return found;
  }
}

/** Runs the workload: puts, overwrites, deletes, state writes, transactions, a data-key and a root-key rotation. */
async function workload(t: TestStorage, seed: number): Promise<{ secrets: Uint8Array[]; canary: Buffer }> {
  const rnd = prng(seed);
  const s = t.storage as SealedStorage;
  const written: Uint8Array[] = [];
  const live: string[] = [];
  const fresh = () => {
    const v = randomBytes(16 + Math.floor(rnd() * 48));
    written.push(Uint8Array.from(v));
    return Secret.adopt(v);
  };
  const canary = Buffer.from(`positive-control-${seed}-visible-in-state`);
  await s.state.put("leak.state", "canary", canary);
  for (let op = 0; op < OPS; op++) {
    const r = rnd();
    if (op === OPS / 3) await addDataKey(s.raw, s.keyring, { key: t.key });
    if (op === OPS / 2) await rotateStorageRootKey(s, { passphrase: `rotated root ${seed}` });
    if (r < 0.3 || live.length === 0) {
      const name = `n${op}`;
      await s.secrets.put("leak", name, fresh());
      live.push(name);
    } else if (r < 0.5) {
      await s.secrets.put("leak", live[Math.floor(rnd() * live.length)]!, fresh());
    } else if (r < 0.6) {
      const [name] = live.splice(Math.floor(rnd() * live.length), 1);
      await s.secrets.delete("leak", name!);
    } else if (r < 0.85) {
      await s.state.put("leak.state", `k${Math.floor(rnd() * 300)}`, randomBytes(Math.floor(rnd() * 200)));
    } else {
      await s.transaction(async (tx) => {
        const name = `tx${op}`;
        await tx.secrets.put("leak", name, fresh());
        await tx.state.put("leak.state", name, randomBytes(40));
        if (rnd() < 0.3) await tx.secrets.put("leak", name, fresh());
      });
      live.push(`tx${op}`);
    }
  }
  // The keys themselves must not be stored in the clear either.
  for (const v of s.keyring.versions) written.push(Uint8Array.from(s.keyring.keyFor(v)));
  written.push(deriveRootKey({ key: t.key }, { kind: "key" }));
  // Everything still readable after the rotations.
  for (const name of live.slice(0, 20)) expect(await s.secrets.has("leak", name)).toBe(true);
  return { secrets: written, canary };
}

function scanDir(
  dir: string,
  index: NeedleIndex,
  canary: Buffer,
): { found: string[]; files: string[]; canarySeen: boolean } {
  const found: string[] = [];
  const files: string[] = [];
  let canarySeen = false;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    files.push(name);
    canarySeen ||= bytes.includes(canary);
    found.push(...index.hits(bytes, name));
  }
  return { found, files, canarySeen };
}

describe("leak test", () => {
  it("the scanner finds a secret in every encoding at every alignment (self-check)", () => {
    const secret = randomBytes(16);
    const index = new NeedleIndex([secret]);
    for (let pad = 0; pad < 3; pad++) {
      const around = (b: Buffer) => Buffer.concat([randomBytes(pad + 5), b, randomBytes(7)]);
      for (const enc of ["hex", "base64", "base64url"] as const) {
        const text = Buffer.from(around(Buffer.from(secret)).toString(enc));
        expect(index.hits(text, enc).length, `${enc} pad ${pad}`).toBeGreaterThan(0);
      }
      expect(index.hits(around(Buffer.from(secret)), "raw").length).toBeGreaterThan(0);
    }
    expect(index.hits(Buffer.from(randomBytes(4096)), "noise")).toEqual([]);
  });

  it(`SQLite: ${OPS} random operations leave no secret in the db, -wal, -shm or any other file`, async () => {
    const seed = Date.now() >>> 0;
    const t = await openTestSqliteStorage();
    try {
      const { secrets, canary } = await workload(t, seed);
      const index = new NeedleIndex(secrets);
      const dbPath = t.dbUrl.slice("sqlite:".length);
      // 1. As the files are now (WAL holds recent pages).
      const live = scanDir(t.dir, index, canary);
      expect(
        live.files.some((f) => f.endsWith("-wal")),
        "WAL present before checkpoint",
      ).toBe(true);
      expect(live.canarySeen, "positive control: plain state bytes are visible to the scan").toBe(true);
      expect(live.found, `seed ${seed}`).toEqual([]);
      // 2. After a checkpoint copies the WAL into the main file.
      const side = new Database(dbPath);
      side.pragma("wal_checkpoint(TRUNCATE)");
      side.close();
      expect(scanDir(t.dir, index, canary).found, `seed ${seed}`).toEqual([]);
      // 3. After close (the last connection checkpoints and removes the WAL).
      await t.storage.close();
      const closed = scanDir(t.dir, index, canary);
      expect(closed.canarySeen).toBe(true);
      expect(closed.found, `seed ${seed}`).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });

  it(`Postgres: ${OPS} random operations leave no secret in any column of any table of the schema`, async () => {
    const seed = Date.now() >>> 0;
    const t = await openTestPostgresStorage();
    const schema = new URL(t.dbUrl).searchParams.get("schema")!;
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      const { secrets, canary } = await workload(t, seed);
      const index = new NeedleIndex(secrets);
      const { rows: cols } = await client.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1",
        [schema],
      );
      expect(cols.length).toBeGreaterThanOrEqual(10);
      const found: string[] = [];
      let canarySeen = false;
      for (const { table_name, column_name } of cols) {
        const { rows } = await client.query(`SELECT "${column_name}" AS v FROM "${schema}"."${table_name}"`);
        const bytes = Buffer.concat(
          rows
            .map((r) => (Buffer.isBuffer(r.v) ? r.v : Buffer.from(String(r.v))))
            .flatMap((b) => [b, Buffer.from([0])]),
        );
        canarySeen ||= bytes.includes(canary);
        found.push(...index.hits(bytes, `${table_name}.${column_name}`));
      }
      expect(canarySeen, "positive control").toBe(true);
      expect(found, `seed ${seed}`).toEqual([]);
    } finally {
      await client.end();
      await t.cleanup();
    }
  });
});
