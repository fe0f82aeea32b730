// Numbered schema migrations of the SQLite backend (applied in order, recorded in kw_schema).

/** One schema migration. */
export interface SqlMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: "state, secrets, meta",
    sql: `
      CREATE TABLE kw_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE kw_state (tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID;
      CREATE TABLE kw_secret (
        ns TEXT NOT NULL, name TEXT NOT NULL, key_version INTEGER NOT NULL, sealed BLOB NOT NULL,
        PRIMARY KEY (ns, name)
      ) WITHOUT ROWID;
    `,
  },
];
