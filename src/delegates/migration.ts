// Migration: move every secret of a delegate version to a newer certified version of the same app, once.
import { bytesToBase64url } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StorageTx } from "../store/ports.js";
import { refuseTombstoned } from "./lookups.js";
import { checkMigrationPair } from "./migration-rules.js";
import type { DelegatesContext } from "./ports.js";
import { DELEGATE_LOCK, delegateNamespace, type MigrationRecord, TABLES } from "./records.js";
import { moveCosigners } from "./sessions/cosigner-moves.js";
import { moveSessions } from "./sessions/session-moves.js";
import { parseToken, tokenHash } from "./tokens.js";
import { delegateKeyHex } from "./validate.js";

/** What a migration did: its stored record without the token hash, with `at` as an ISO date. */
export type DelegateMigrationResult = Omit<MigrationRecord, "token" | "at"> & { readonly at: string };

async function tokenUsedError(tx: StorageTx, hash: string): Promise<KeywardError> {
  const use = await TABLES.tokenUse.get(tx.state, hash);
  const when = use ? new Date(use.at).toISOString() : "?";
  return new KeywardError(
    "token_used",
    `token already used by migration ${use?.migration ?? "?"} (${use?.from ?? "?"} → ${use?.to ?? "?"}) at ${when}`,
    { migration: use?.migration ?? null },
  );
}

/** Runs migrations under the rules of DESIGN §5. */
export class DelegateMigrations {
  constructor(private readonly ctx: DelegatesContext) {}

  /**
   * Migrates `from` → `to` with a token issued for that pair. Checks, in order: token known
   * (`token_mismatch`), unused (`token_used`, naming the migration that consumed it), bound to this pair
   * (`token_mismatch`), unexpired (`token_expired`); same app (`wrong_app`); both certificates valid under
   * the app's key chain (`invalid_certificate`); target version > source version (`rollback`); target not
   * revoked (`revoked_target`); neither side already migrated (`migrated`). Then, in one transaction:
   * every secret moved (re-sealed under the target's namespace; on a name clash the target's value wins),
   * the source tombstoned, the token consumed, the sessions re-pointed and an audit event written (naming
   * `actor`, the caller).
   * @throws KeywardError with the codes above, `not_found`, or `invalid_input` for a malformed token.
   * @example const r = await delegates.migrations.migrate(v1Key, v7Key, token); // r.moved
   */
  async migrate(
    from: string | Uint8Array,
    to: string | Uint8Array,
    token: string,
    actor?: string,
  ): Promise<DelegateMigrationResult> {
    const src = delegateKeyHex(from, "from");
    const dst = delegateKeyHex(to, "to");
    const hash = tokenHash(parseToken(token));
    const id = `mig_${bytesToBase64url(randomBytes(12))}`;
    return this.ctx.storage.transaction(async (tx) => {
      // Both delegates exclusive, first: in-flight secret writes and racing migrations of either finish first.
      await tx.lock(DELEGATE_LOCK, [src, dst], "exclusive");
      const now = this.ctx.now();
      const tok = await TABLES.token.get(tx.state, hash);
      if (!tok) throw new KeywardError("token_mismatch", "the token was not issued for this migration");
      if (await TABLES.tokenUse.get(tx.state, hash)) throw await tokenUsedError(tx, hash);
      if (tok.from !== src || tok.to !== dst)
        throw new KeywardError(
          "token_mismatch",
          `token ${tok.id} was issued for a different (source, target) pair`,
        );
      if (now >= tok.expiresAt)
        throw new KeywardError(
          "token_expired",
          `token ${tok.id} expired at ${new Date(tok.expiresAt).toISOString()}`,
        );
      const { source, target } = await checkMigrationPair(tx.state, src, dst);

      // The insert is the single-use guarantee: atomic across instances sharing one database.
      if (!(await TABLES.tokenUse.insert(tx.state, hash, { migration: id, from: src, to: dst, at: now })))
        throw await tokenUsedError(tx, hash);
      if (!(await TABLES.tombstone.insert(tx.state, src, { to: dst, migration: id, at: now })))
        await refuseTombstoned(tx.state, src, "source");

      const { moved, conflicts } = await moveSecrets(tx, src, dst);
      await moveSessions(tx, src, dst);
      await moveCosigners(tx, src, dst);
      const record: MigrationRecord = {
        id,
        app: source.app,
        from: src,
        to: dst,
        fromVersion: source.version,
        toVersion: target.version,
        moved,
        conflicts,
        token: tok.id,
        at: now,
      };
      await TABLES.migration.put(tx.state, id, record);
      // The entry carries the record (the subject names the source; the entry has its own time).
      const { id: migration, from: _from, at: _at, ...fields } = record;
      await this.ctx.audit.append(tx, {
        kind: "delegate.migrated",
        subject: `delegate:${src}`,
        actor,
        data: { migration, ...fields },
      });
      const { token: _t, ...pub } = record;
      return { ...pub, at: new Date(now).toISOString() };
    });
  }

  /** A completed migration by id (undefined when unknown). */
  async get(id: string): Promise<MigrationRecord | undefined> {
    return TABLES.migration.get(this.ctx.storage.state, id);
  }
}

/**
 * Moves every secret (user secrets and session seeds) from the source namespace to the target's, opening
 * and re-sealing each (the seal's associated data binds the namespace). A name the target already holds
 * keeps the target's value: newer never loses to older.
 */
async function moveSecrets(
  tx: StorageTx,
  src: string,
  dst: string,
): Promise<{ moved: number; conflicts: string[] }> {
  const from = delegateNamespace(src);
  const to = delegateNamespace(dst);
  const conflicts: string[] = [];
  let moved = 0;
  // One listing of the target instead of a lookup per secret (a round trip each on Postgres).
  const held = new Set(await tx.secrets.list(to));
  for (const name of await tx.secrets.list(from)) {
    if (held.has(name)) {
      conflicts.push(name);
    } else {
      const value = await tx.secrets.get(from, name);
      if (value === undefined) continue;
      try {
        await tx.secrets.put(to, name, value);
      } finally {
        value.wipe();
      }
      moved++;
    }
    await tx.secrets.delete(from, name);
  }
  return { moved, conflicts };
}
