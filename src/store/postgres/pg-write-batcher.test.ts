// Group commit of auto-commit secret upserts on the real local PostgreSQL server: shared statements, own failures.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RawBackend } from "../raw.js";
import { dropTestSchema, newTestSchema, TEST_PG_URL, testPostgresUrl } from "../testing.js";
import { WriteBatcher } from "./pg-write-batcher.js";
import { openPostgresBackend } from "./postgres-backend.js";

const sealed = (n: number) => Uint8Array.from({ length: 40 }, (_, i) => (n + i) & 255);

let schema: string;
let raws: RawBackend[];

beforeEach(async () => {
  schema = newTestSchema();
  raws = [await openPostgresBackend(testPostgresUrl(schema), { max: 4 })];
});

afterEach(async () => {
  await Promise.all(raws.map((r) => r.close().catch(() => undefined)));
  await dropTestSchema(schema);
});

async function other(): Promise<RawBackend> {
  const r = await openPostgresBackend(testPostgresUrl(schema), { max: 2 });
  raws.push(r);
  return r;
}

describe("WriteBatcher on a real table", () => {
  it("writes submitted in one turn share one statement, and each resolves after its commit", async () => {
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 2, options: `-c search_path=${schema}` });
    try {
      await pool.query("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
      const sizes: number[] = [];
      const b = new WriteBatcher<{ k: string; v: number }>(async (rows) => {
        sizes.push(rows.length);
        await pool.query("INSERT INTO t SELECT * FROM unnest($1::text[], $2::int[])", [
          rows.map((r) => r.k),
          rows.map((r) => r.v),
        ]);
      });
      await Promise.all(Array.from({ length: 50 }, (_, i) => b.submit(`k${i}`, { k: `k${i}`, v: i })));
      expect(sizes).toEqual([50]);
      const { rows } = await pool.query("SELECT count(*)::int AS n, sum(v)::int AS s FROM t");
      expect(rows[0]).toEqual({ n: 50, s: 1225 });
    } finally {
      await pool.end();
    }
  });

  it("refuses bad options", () => {
    const noop = async () => undefined;
    expect(() => new WriteBatcher(noop, { inFlight: 0 })).toThrow(RangeError);
    expect(() => new WriteBatcher(noop, { maxRows: 1.5 })).toThrow(RangeError);
  });
});

describe("postgres auto-commit secret puts (group commit)", () => {
  it("200 concurrent puts are all durable and visible to another instance once answered", async () => {
    const [a] = raws;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        a!.direct.secretPut("ns", `n${i}`, { keyVersion: 1, sealed: sealed(i) }),
      ),
    );
    const b = await other();
    for (const i of [0, 77, 199])
      expect(await b.direct.secretGet("ns", `n${i}`)).toEqual({ keyVersion: 1, sealed: sealed(i) });
    expect((await b.direct.secretList("ns")).length).toBe(200);
  });

  it("one failing row fails only its own caller: the others of its batch commit", async () => {
    const [a] = raws;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        // 2^40 does not fit the INTEGER column: PostgreSQL refuses that row (22003), and with it its statement.
        a!.direct.secretPut("ns", `n${i}`, { keyVersion: i === 4 ? 2 ** 40 : 1, sealed: sealed(i) }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      ...Array(4).fill("fulfilled"),
      "rejected",
      ...Array(5).fill("fulfilled"),
    ]);
    expect(((results[4] as PromiseRejectedResult).reason as { code?: string }).code).toBe("22003");
    const b = await other();
    expect(await b.direct.secretList("ns")).toEqual(["n0", "n1", "n2", "n3", "n5", "n6", "n7", "n8", "n9"]);
  });

  it("concurrent puts of one name never share a statement: all succeed and one of the values is stored", async () => {
    const [a] = raws;
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        a!.direct.secretPut("ns", "same", { keyVersion: 1, sealed: sealed(i) }),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        a!.direct.secretPut("ns", `x${i}`, { keyVersion: 1, sealed: sealed(i) }),
      ),
    ]);
    const row = await a!.direct.secretGet("ns", "same");
    expect(Array.from({ length: 20 }, (_, i) => sealed(i))).toContainEqual(row!.sealed);
    // A put answered before the next one started is ordered before it.
    await a!.direct.secretPut("ns", "same", { keyVersion: 1, sealed: sealed(100) });
    expect((await a!.direct.secretGet("ns", "same"))!.sealed).toEqual(sealed(100));
    expect((await a!.direct.secretList("ns")).length).toBe(21);
  });

  it("close() waits for queued puts to commit", async () => {
    const [a] = raws;
    const puts = Array.from({ length: 30 }, (_, i) =>
      a!.direct.secretPut("ns", `n${i}`, { keyVersion: 1, sealed: sealed(i) }),
    );
    await a!.close();
    await Promise.all(puts);
    const b = await other();
    expect((await b.direct.secretList("ns")).length).toBe(30);
  });

  it("two instances writing overlapping names at once never deadlock or fail", async () => {
    const [a] = raws;
    const b = await other();
    const names = Array.from({ length: 40 }, (_, i) => `n${i}`);
    await Promise.all([
      ...names.map((n, i) => a!.direct.secretPut("ns", n, { keyVersion: 1, sealed: sealed(i) })),
      ...[...names]
        .reverse()
        .map((n, i) => b.direct.secretPut("ns", n, { keyVersion: 1, sealed: sealed(i + 50) })),
    ]);
    expect((await a!.direct.secretList("ns")).length).toBe(40);
  });

  it("a put through `direct` inside one of its transactions is refused, as before", async () => {
    const [a] = raws;
    const err = await a!
      .transaction(() => a!.direct.secretPut("ns", "n", { keyVersion: 1, sealed: sealed(1) }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect((err as KeywardError).code).toBe("internal");
  });
});
