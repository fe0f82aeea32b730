// Numbered schema migrations of the PostgreSQL backend: same versions and meaning as the SQLite ones.
import type { SqlMigration } from "../sqlite/migrations.js";

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
];
