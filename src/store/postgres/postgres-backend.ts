// PostgreSQL backend (pg Pool): state, sealed secrets and the keyring in one schema, for instances sharing a database.
import pg from "pg";
import { assertString } from "../../crypto/assert.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { assertTableEntries, assertTableKey, assertTableKeys } from "../keys.js";
import { pagedScan, pagedSecretScan, type SealedRowEntry, rowBytes as toBytes } from "../paged-scan.js";
import type { ScanOptions, StateEntry, StateWriter, TxLocks } from "../ports.js";
import type { RawBackend, RawSecretRow, RawTx } from "../raw.js";
import { retryTransaction } from "../retry.js";
import { assertSchemaKnown } from "../schema-guard.js";
import { assertOutsideTransaction } from "../tx-guard.js";
import { POSTGRES_MIGRATIONS } from "./migrations.js";
import { PgLog } from "./pg-log.js";
import { SECRET_GET, SECRET_PUT, secretPutMany, toParam } from "./pg-secret-rows.js";
import { type PgQuery, pgQueryConfig, pgTransactionAttempt } from "./pg-transaction.js";
import { WriteBatcher } from "./pg-write-batcher.js";

// Entries per getMany/insertMany statement (bulk import): one round trip per 4096 rows.
const PG_ROWS = 4096;
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
// Advisory lock namespace for migrations ("kw"); the second key is hashtext(schema).
const LOCK_NS = 0x6b77;

type Query = PgQuery;

/** Options of the Postgres backend (beyond the URL). */
export interface PostgresOptions {
  /** Pool size (default 10). */
  readonly max?: number;
}

/** Splits `postgres://…?schema=NAME` into the pg connection string and the schema (validated). */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeywardError("invalid_input", "db must be a valid postgres:// URL");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new KeywardError("invalid_input", "db must start with postgres:// or postgresql://");
  const schema = parsed.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !SCHEMA_RE.test(schema))
    throw new KeywardError("invalid_input", "schema must match [a-z_][a-z0-9_]* (at most 63 characters)");
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

class PgOps implements RawTx {
  readonly state: StateWriter;
  readonly log: PgLog;

  /** `putSecret`: how auto-commit secret upserts run (the group commit); inside a transaction, one statement each. */
  constructor(
    private readonly q: Query,
    private readonly putSecret?: (ns: string, name: string, row: RawSecretRow) => Promise<void>,
  ) {
    this.log = new PgLog(q);
    this.state = {
      get: async (table, key) => {
        assertTableKey(table, key);
        const r = await q(
          "SELECT value FROM kw_state WHERE tbl = $1 AND key = $2",
          [table, key],
          "kw_state_get",
        );
        return r.rows.length ? toBytes(r.rows[0].value) : undefined;
      },
      put: async (table, key, value) => {
        assertTableKey(table, key);
        await q(
          "INSERT INTO kw_state (tbl, key, value) VALUES ($1, $2, $3) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value",
          [table, key, toParam(value)],
          "kw_state_put",
        );
      },
      insert: async (table, key, value) => {
        assertTableKey(table, key);
        const r = await q(
          "INSERT INTO kw_state (tbl, key, value) VALUES ($1, $2, $3) ON CONFLICT (tbl, key) DO NOTHING",
          [table, key, toParam(value)],
        );
        return r.rowCount === 1;
      },
      delete: async (table, key) => {
        assertTableKey(table, key);
        return (await q("DELETE FROM kw_state WHERE tbl = $1 AND key = $2", [table, key])).rowCount === 1;
      },
      scan: (table, options) => this.scan(table, options),
      getMany: async (table, keys) => {
        assertTableKeys(table, keys);
        const found = new Map<string, Uint8Array>();
        for (let i = 0; i < keys.length; i += PG_ROWS) {
          const r = await q("SELECT key, value FROM kw_state WHERE tbl = $1 AND key = ANY($2::text[])", [
            table,
            keys.slice(i, i + PG_ROWS),
          ]);
          for (const row of r.rows) found.set(row.key as string, toBytes(row.value));
        }
        return keys.map((k) => found.get(k));
      },
      // One statement per PG_ROWS entries: the rows travel as two arrays and unnest() pairs them up.
      insertMany: async (table, entries) => {
        assertTableEntries(table, entries);
        let created = 0;
        for (let i = 0; i < entries.length; i += PG_ROWS) {
          const part = entries.slice(i, i + PG_ROWS);
          const r = await q(
            "INSERT INTO kw_state (tbl, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::bytea[]) AS t(k, v) ON CONFLICT (tbl, key) DO NOTHING",
            [table, part.map((e) => e.key), part.map((e) => toParam(e.value))],
          );
          created += r.rowCount ?? 0;
        }
        return created;
      },
    };
  }

  private scan(table: string, options: ScanOptions = {}): AsyncIterable<StateEntry> {
    return pagedScan(
      table,
      options,
      (n) => `$${n}`,
      async (page) =>
        (
          await this.q(
            `SELECT key, value FROM kw_state WHERE ${page.where} ORDER BY key ${page.order} LIMIT ${page.limit}`,
            page.args,
          )
        ).rows.map((r) => ({ key: r.key as string, value: toBytes(r.value) })),
    );
  }

  async secretGet(ns: string, name: string): Promise<RawSecretRow | undefined> {
    const r = await this.q(SECRET_GET, [ns, name], "kw_secret_get");
    return r.rows.length
      ? { keyVersion: r.rows[0].key_version, sealed: toBytes(r.rows[0].sealed) }
      : undefined;
  }
  async secretPut(ns: string, name: string, row: RawSecretRow): Promise<void> {
    if (this.putSecret) return this.putSecret(ns, name, row);
    await this.q(SECRET_PUT, [ns, name, row.keyVersion, toParam(row.sealed)], "kw_secret_put");
  }
  async secretDelete(ns: string, name: string): Promise<boolean> {
    return (await this.q("DELETE FROM kw_secret WHERE ns = $1 AND name = $2", [ns, name])).rowCount === 1;
  }
  async secretList(ns: string, prefix = ""): Promise<string[]> {
    const r = await this.q(
      "SELECT name FROM kw_secret WHERE ns = $1 AND name >= $2 AND name < $3 ORDER BY name",
      [ns, prefix, `${prefix}\u{10FFFF}`],
    );
    return r.rows.map((x) => x.name as string);
  }
  secretScanAll(): AsyncIterable<SealedRowEntry> {
    return pagedSecretScan(async (ns, name, limit) =>
      (
        await this.q(
          "SELECT ns, name, key_version, sealed FROM kw_secret WHERE (ns, name) > ($1, $2) ORDER BY ns, name LIMIT $3",
          [ns, name, limit],
        )
      ).rows.map((r) => ({
        namespace: r.ns as string,
        name: r.name as string,
        row: { keyVersion: r.key_version as number, sealed: toBytes(r.sealed) },
      })),
    );
  }
  async metaGet(key: string): Promise<Uint8Array | undefined> {
    const r = await this.q("SELECT value FROM kw_meta WHERE key = $1", [key], "kw_meta_get");
    return r.rows.length ? toBytes(r.rows[0].value) : undefined;
  }
  async metaPut(key: string, value: Uint8Array): Promise<void> {
    await this.q(
      "INSERT INTO kw_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [key, toParam(value)],
    );
  }
  async metaList(prefix: string): Promise<{ key: string; value: Uint8Array }[]> {
    const r = await this.q("SELECT key, value FROM kw_meta WHERE key >= $1 AND key < $2 ORDER BY key", [
      prefix,
      `${prefix}\u{10FFFF}`,
    ]);
    return r.rows.map((x) => ({ key: x.key as string, value: toBytes(x.value) }));
  }
}

/** Creates the schema (if named) and applies pending migrations, serialised across instances by an advisory lock. */
async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_NS, schema ?? ""]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        "CREATE TABLE IF NOT EXISTS kw_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
      );
      const { rows } = await client.query("SELECT COALESCE(MAX(version), 0) AS v FROM kw_schema");
      const current = Number(rows[0].v);
      assertSchemaKnown(current, POSTGRES_MIGRATIONS);
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query("INSERT INTO kw_schema (version, name, applied_at) VALUES ($1, $2, $3)", [
            m.version,
            m.name,
            Date.now(),
          ]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_NS, schema ?? ""]);
    }
  } finally {
    client.release();
  }
}

/**
 * Opens a pooled PostgreSQL backend and applies the numbered migrations. `?schema=NAME` in the URL selects
 * (and creates) the schema through `search_path`. Transactions run SERIALIZABLE and are retried on
 * serialization failure, deadlock or a lost race (`retryTransaction`), so they behave like SQLite's single-writer
 * transactions. Auto-commit secret puts of concurrent callers are group-committed (`WriteBatcher`), and the hot
 * point reads and writes are named prepared statements (a pooler must keep sessions: no transaction pooling).
 * @throws KeywardError `invalid_input` (bad URL), `unavailable` (server unreachable).
 * @example const raw = await openPostgresBackend("postgres://postgres@127.0.0.1:5432/test?schema=kw_dev");
 */
export async function openPostgresBackend(url: string, options: PostgresOptions = {}): Promise<RawBackend> {
  assertString(url, "url", { nonEmpty: true });
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client dropped by the server: the pool discards it; the next query reconnects.
  pool.on("error", () => undefined);
  try {
    await migrate(pool, schema);
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof KeywardError) throw err;
    throw new KeywardError("unavailable", "cannot open the PostgreSQL database (check --db and the server)");
  }
  const owner = {};
  const directQuery: Query = (sql, params, name) => {
    assertOutsideTransaction(owner, "auto-commit storage");
    return pool.query(pgQueryConfig(sql, params, name));
  };
  // Auto-commit secret upserts of concurrent callers share one statement and one commit (pg-write-batcher.ts).
  const poolQuery: Query = (sql, params, name) => pool.query(pgQueryConfig(sql, params, name));
  const secretPuts = new WriteBatcher(secretPutMany(poolQuery));
  const groupPut = (ns: string, name: string, row: RawSecretRow): Promise<void> => {
    assertOutsideTransaction(owner, "auto-commit storage");
    return secretPuts.submit(`${ns}\u0000${name}`, { ns, name, row });
  };
  return {
    backend: "postgres",
    direct: new PgOps(directQuery, groupPut),
    async transaction<T>(fn: (tx: RawTx & TxLocks) => Promise<T>): Promise<T> {
      assertOutsideTransaction(owner, "transaction()");
      // Serialization failures, deadlocks and lost races run again (store/retry.ts); out of retries on
      // contention is the server being busy, not a bug: `unavailable`, 503 with Retry-After (issue #23).
      return retryTransaction(() => pgTransactionAttempt(pool, owner, schema ?? "", (q) => new PgOps(q), fn));
    },
    async close(): Promise<void> {
      await secretPuts.drain();
      await pool.end();
    },
  };
}
