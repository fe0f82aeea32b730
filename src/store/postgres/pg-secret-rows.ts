// The statements of sealed-secret rows on PostgreSQL, and the many-row upsert the group commit runs.
import type { RawSecretRow } from "../raw.js";
import type { PgQuery } from "./pg-transaction.js";

/** A byte array as a pg parameter (a Buffer view, no copy). */
export function toParam(v: Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Point read of one sealed row. */
export const SECRET_GET = "SELECT key_version, sealed FROM kw_secret WHERE ns = $1 AND name = $2";
/** Upsert of one sealed row. */
export const SECRET_PUT =
  "INSERT INTO kw_secret (ns, name, key_version, sealed) VALUES ($1, $2, $3, $4) ON CONFLICT (ns, name) DO UPDATE SET key_version = excluded.key_version, sealed = excluded.sealed";
// Many upserts as one statement: the rows travel as four arrays (fixed text, so one prepared statement).
const SECRET_PUT_MANY =
  "INSERT INTO kw_secret (ns, name, key_version, sealed) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bytea[]) ON CONFLICT (ns, name) DO UPDATE SET key_version = excluded.key_version, sealed = excluded.sealed";

/** One sealed-secret upsert of a group commit. */
export interface SecretPut {
  readonly ns: string;
  readonly name: string;
  readonly row: RawSecretRow;
}

/** Runs group-committed secret upserts on `q`: a single row as the plain upsert, more as one unnest statement. */
export function secretPutMany(q: PgQuery): (rows: readonly SecretPut[]) => Promise<void> {
  return async (rows) => {
    const one = rows.length === 1 ? rows[0] : undefined;
    if (one) {
      await q(SECRET_PUT, [one.ns, one.name, one.row.keyVersion, toParam(one.row.sealed)], "kw_secret_put");
      return;
    }
    await q(
      SECRET_PUT_MANY,
      [
        rows.map((r) => r.ns),
        rows.map((r) => r.name),
        rows.map((r) => r.row.keyVersion),
        rows.map((r) => toParam(r.row.sealed)),
      ],
      "kw_secret_put_many",
    );
  };
}
