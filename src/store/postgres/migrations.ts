// Numbered schema migrations of the PostgreSQL backend: same versions and meaning as the SQLite ones.
import type { SqlMigration } from "../sqlite/migrations.js";

/** The rows migration 2 moves: state table `audit.entry`, keys of 16 decimal digits from 1 up. */
const LEGACY_LOG_ROWS = `WHERE tbl = 'audit.entry' AND key ~ '^[0-9]{16}$' AND key <> '0000000000000000'`;

// Keys are TEXT COLLATE "C": comparison by UTF-8 bytes, the same order SQLite's BINARY collation gives.
export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: "state, secrets, meta",
    sql: `
      CREATE TABLE kw_meta (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL);
      CREATE TABLE kw_state (
        tbl TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, value BYTEA NOT NULL,
        PRIMARY KEY (tbl, key)
      );
      CREATE TABLE kw_secret (
        ns TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, key_version INTEGER NOT NULL,
        sealed BYTEA NOT NULL, PRIMARY KEY (ns, name)
      );
    `,
  },
  {
    version: 2,
    name: "append-only log",
    // As on SQLite (sqlite/migrations.ts): the audit chain's entries leave `audit.entry` for a table of their own.
    sql: `
      CREATE TABLE kw_log (seq BIGINT PRIMARY KEY, value BYTEA NOT NULL);
      INSERT INTO kw_log (seq, value) SELECT key::bigint, value FROM kw_state ${LEGACY_LOG_ROWS};
      DELETE FROM kw_state ${LEGACY_LOG_ROWS};
    `,
  },
  {
    version: 3,
    name: "audit rows v3",
    // No table changes: a marker. From here on audit entries are v3 rows (SHA-256 entry hash, docs/wire-format.md
    // "Stored audit rows"), which a build before them reads as a modified chain; with this version recorded such
    // a build refuses the whole store at open (schema-guard.ts: "upgrade keyward on every instance") instead.
    sql: "SELECT 1",
  },
];
