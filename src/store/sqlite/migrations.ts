// Numbered schema migrations of the SQLite backend (applied in order, recorded in kw_schema).

/** One schema migration. */
export interface SqlMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The rows migration 2 moves: state table `audit.entry`, keys of 16 decimal digits from 1 up (SQLite GLOB). */
const LEGACY_LOG_ROWS = `WHERE tbl = 'audit.entry' AND length(key) = 16 AND key NOT GLOB '*[^0-9]*' AND key <> '0000000000000000'`;

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
  {
    version: 2,
    name: "append-only log",
    // The audit chain's entries move out of the state table (`audit.entry`, keyed by 16-digit seq) into a rowid
    // table of their own: a commit appends to the end of one B-tree instead of inserting into the middle of the
    // WITHOUT ROWID state table. Only canonical keys move; any other row stays where it is, and the audit
    // verifier reports a row left in `audit.entry` as a break in the chain.
    sql: `
      CREATE TABLE kw_log (seq INTEGER PRIMARY KEY, value BLOB NOT NULL);
      INSERT INTO kw_log (seq, value)
        SELECT CAST(key AS INTEGER), value FROM kw_state ${LEGACY_LOG_ROWS} ORDER BY key;
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
