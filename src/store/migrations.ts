// Domain data migrations: each domain owns numbered migrations of its tables, applied once across all instances.
import { assertFunction, assertInteger, assertString } from "../crypto/assert.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage, StorageTx } from "./ports.js";
import { RecordTable } from "./records.js";

/** One numbered migration of a domain's data. `up` runs inside one transaction (and may be retried). */
export interface DomainMigration {
  readonly version: number;
  readonly name: string;
  up(tx: StorageTx): Promise<void>;
}

/** The record kept per applied migration. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: number;
}

/** Which migrations this call applied and which were already there. */
export interface MigrationResult {
  readonly applied: number[];
  readonly alreadyApplied: number[];
}

/** Applied migrations, keyed `<domain>/<version as 10 digits>` so a prefix scan lists a domain in order. */
export const MIGRATIONS_TABLE = new RecordTable<AppliedMigration>("store.migrations");

const DOMAIN_RE = /^[a-z][a-z0-9._-]{0,63}$/;
const markerKey = (domain: string, version: number) => `${domain}/${String(version).padStart(10, "0")}`;

function assertMigrations(domain: unknown, migrations: unknown): asserts migrations is DomainMigration[] {
  assertString(domain, "domain", { nonEmpty: true });
  if (!DOMAIN_RE.test(domain)) throw new InputRangeError("domain must match [a-z][a-z0-9._-]*");
  if (!Array.isArray(migrations)) throw new InputTypeError("migrations must be an array");
  let last = 0;
  for (const [i, m] of migrations.entries()) {
    if (typeof m !== "object" || m === null) throw new InputTypeError(`migrations[${i}] must be an object`);
    assertInteger(m.version, 1, 0xffffffff, `migrations[${i}].version`);
    if (m.version <= last) throw new InputRangeError("migration versions must be unique and ascending");
    last = m.version;
    assertString(m.name, `migrations[${i}].name`, { nonEmpty: true });
    assertFunction(m.up, `migrations[${i}].up`);
  }
}

/** Lists the applied migrations of `domain`, in version order. */
export async function appliedMigrations(storage: Storage, domain: string): Promise<AppliedMigration[]> {
  assertString(domain, "domain", { nonEmpty: true });
  const out: AppliedMigration[] = [];
  for await (const e of MIGRATIONS_TABLE.scan(storage.state, { prefix: `${domain}/` })) out.push(e.value);
  return out;
}

/**
 * Applies `domain`'s pending migrations in version order, each in its own transaction together with its
 * marker. The marker is claimed with `insert`, so instances racing at start apply each migration exactly once
 * (the loser's transaction sees the marker and skips). Versions only move forward.
 * @throws KeywardError `conflict` when the data holds a version this code does not know (a downgrade) or a
 * pending version lower than an applied one; whatever `up` throws (that migration is rolled back).
 * @example
 * await runDomainMigrations(storage, "custody", [
 *   { version: 1, name: "index identities by partition", up: async (tx) => { … } },
 * ]);
 */
export async function runDomainMigrations(
  storage: Storage,
  domain: string,
  migrations: readonly DomainMigration[],
): Promise<MigrationResult> {
  assertMigrations(domain, migrations);
  const known = new Set(migrations.map((m) => m.version));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    const applied = await storage.transaction(async (tx) => {
      const recorded: number[] = [];
      for await (const e of MIGRATIONS_TABLE.scan(tx.state, { prefix: `${domain}/` }))
        recorded.push(e.value.version);
      const unknown = recorded.find((v) => !known.has(v));
      if (unknown !== undefined)
        throw new KeywardError(
          "conflict",
          `data of domain ${domain} has migration ${unknown}, unknown to this version of keyward (downgrade?)`,
        );
      if (recorded.includes(m.version)) return false;
      const newer = recorded.find((v) => v > m.version);
      if (newer !== undefined)
        throw new KeywardError(
          "conflict",
          `migration ${m.version} of domain ${domain} is pending but ${newer} is already applied`,
        );
      const marker = { version: m.version, name: m.name, appliedAt: Date.now() };
      if (!(await MIGRATIONS_TABLE.insert(tx.state, markerKey(domain, m.version), marker))) return false;
      await m.up(tx);
      return true;
    });
    (applied ? result.applied : result.alreadyApplied).push(m.version);
  }
  return result;
}
