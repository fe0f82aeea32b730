// Logical export of a PostgreSQL store into a backup file and import of one into an empty schema.
import pg from "pg";
import { KeywardError } from "../../errors/keyward-error.js";
import type { LogRow } from "../ports.js";
import { assertSchemaKnown } from "../schema-guard.js";
import type { BackupSink, MetaRow, SecretRow, StateRow } from "../sqlite/backup-file.js";
import { POSTGRES_MIGRATIONS } from "./migrations.js";
import { openPostgresBackend, parsePostgresUrl } from "./postgres-backend.js";

const BATCH = 1000;

async function connect(url: string): Promise<pg.Client> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const client = new pg.Client({
    connectionString,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    await client.connect();
  } catch {
    throw new KeywardError("unavailable", "cannot open the PostgreSQL database (check --db and the server)");
  }
  client.on("error", () => undefined);
  return client;
}

function bytes(v: Buffer): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** Pages through one table in key order inside the caller's snapshot (keyset pagination, BATCH rows a page). */
async function* pages(
  client: pg.Client,
  select: string,
  keys: readonly string[],
): AsyncGenerator<Record<string, unknown>[]> {
  let after: unknown[] | undefined;
  for (;;) {
    const cols = `(${keys.join(", ")})`;
    const params = after ? [...after] : [];
    const where = after ? `WHERE ${cols} > (${keys.map((_, i) => `$${i + 1}`).join(", ")})` : "";
    const { rows } = await client.query(
      `${select} ${where} ORDER BY ${keys.join(", ")} LIMIT ${BATCH}`,
      params,
    );
    if (rows.length) yield rows;
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1] as Record<string, unknown>;
    after = keys.map((k) => last[k]);
  }
}

/**
 * Writes every keyward row of the PostgreSQL store at `url` into `sink`, from one `SERIALIZABLE READ ONLY
 * DEFERRABLE` transaction: a snapshot that no serializable writer can contradict (the mode `pg_dump
 * --serializable-deferrable` uses), taken without blocking writers and without serialization failures.
 * @throws KeywardError `unavailable` (server unreachable), `not_initialized` (no keyward tables there),
 *   `conflict` (the schema was migrated past what this keyward knows).
 */
export async function exportPostgres(url: string, sink: BackupSink): Promise<void> {
  await migrateStore(url);
  const client = await connect(url);
  try {
    await client.query("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE");
    const exists = await client.query("SELECT to_regclass('kw_schema') IS NOT NULL AS ok");
    if (!exists.rows[0].ok)
      throw new KeywardError("not_initialized", "no keyward store in this PostgreSQL database or schema");
    const { rows } = await client.query("SELECT COALESCE(MAX(version), 0) AS v FROM kw_schema");
    assertSchemaKnown(Number(rows[0].v), POSTGRES_MIGRATIONS);
    for await (const page of pages(client, "SELECT key, value FROM kw_meta", ["key"]))
      sink.meta(page.map((r) => ({ key: r.key as string, value: bytes(r.value as Buffer) })));
    for await (const page of pages(client, "SELECT tbl, key, value FROM kw_state", ["tbl", "key"]))
      sink.state(
        page.map((r) => ({ tbl: r.tbl as string, key: r.key as string, value: bytes(r.value as Buffer) })),
      );
    const secrets = "SELECT ns, name, key_version, sealed FROM kw_secret";
    for await (const page of pages(client, secrets, ["ns", "name"]))
      sink.secrets(
        page.map((r) => ({
          ns: r.ns as string,
          name: r.name as string,
          keyVersion: r.key_version as number,
          sealed: bytes(r.sealed as Buffer),
        })),
      );
    for await (const page of pages(client, "SELECT seq, value FROM kw_log", ["seq"]))
      sink.log(page.map((r) => ({ seq: Number(r.seq), value: bytes(r.value as Buffer) })));
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies pending storage migrations to the keyward store at `url`, if there is one (a store of schema 1 holds
 * the audit entries as state rows; the backup file is written in the current layout), as any command would.
 */
async function migrateStore(url: string): Promise<void> {
  const client = await connect(url);
  let exists: boolean;
  try {
    exists = (await client.query("SELECT to_regclass('kw_schema') IS NOT NULL AS ok")).rows[0].ok;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (exists) await (await openPostgresBackend(url, { max: 1 })).close();
}

/** One batch of backup rows, as `backupRows` yields them. */
export type RowBatch =
  | { kind: "meta"; rows: MetaRow[] }
  | { kind: "state"; rows: StateRow[] }
  | { kind: "secrets"; rows: SecretRow[] }
  | { kind: "log"; rows: LogRow[] };

// Whether any keyward table holds a row: a restore goes only into a store without one.
const ANY_ROW =
  "SELECT EXISTS (SELECT 1 FROM kw_meta) OR EXISTS (SELECT 1 FROM kw_state) OR EXISTS (SELECT 1 FROM kw_secret) OR EXISTS (SELECT 1 FROM kw_log) AS used";

const buf = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * True when the PostgreSQL store at `url` holds no keyward row at all (creating its tables, as any keyward
 * command on a new schema does).
 */
export async function postgresIsEmpty(url: string): Promise<boolean> {
  await (await openPostgresBackend(url, { max: 1 })).close();
  const client = await connect(url);
  try {
    const { rows } = await client.query(ANY_ROW);
    return !rows[0].used;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Copies `batches` into the empty keyward tables at `url` in one SERIALIZABLE transaction: all rows or none.
 * The tables are checked empty again inside it, so a concurrent init or restore loses cleanly.
 * @throws KeywardError `already_exists` when the store is no longer empty, `unavailable` on a lost race.
 */
export async function importPostgres(url: string, batches: Iterable<RowBatch>): Promise<void> {
  const client = await connect(url);
  try {
    await client.query("BEGIN ISOLATION LEVEL SERIALIZABLE");
    const { rows } = await client.query(ANY_ROW);
    if (rows[0].used)
      throw new KeywardError("already_exists", "the PostgreSQL store is not empty: nothing was restored");
    for (const b of batches) {
      if (b.kind === "meta")
        await client.query("INSERT INTO kw_meta (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])", [
          b.rows.map((r) => r.key),
          b.rows.map((r) => buf(r.value)),
        ]);
      else if (b.kind === "state")
        await client.query(
          "INSERT INTO kw_state (tbl, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
          [b.rows.map((r) => r.tbl), b.rows.map((r) => r.key), b.rows.map((r) => buf(r.value))],
        );
      else if (b.kind === "log")
        await client.query(
          "INSERT INTO kw_log (seq, value) SELECT * FROM unnest($1::bigint[], $2::bytea[])",
          [b.rows.map((r) => r.seq), b.rows.map((r) => buf(r.value))],
        );
      else
        await client.query(
          "INSERT INTO kw_secret (ns, name, key_version, sealed) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bytea[])",
          [
            b.rows.map((r) => r.ns),
            b.rows.map((r) => r.name),
            b.rows.map((r) => r.keyVersion),
            b.rows.map((r) => buf(r.sealed)),
          ],
        );
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    const code = (err as { code?: string }).code;
    if (code === "40001" || code === "40P01" || code === "23505")
      throw new KeywardError("unavailable", "another writer changed the PostgreSQL store during the restore");
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
