// Reads shared by the delegates components: required records with the domain's refusal codes.

import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader } from "../store/ports.js";
import { type AppRecord, TABLES, type VersionRecord } from "./records.js";

/**
 * The registered version of a delegate key (hex).
 * @throws KeywardError `not_found`.
 */
export async function requireVersion(state: StateReader, delegateKey: string): Promise<VersionRecord> {
  const v = await TABLES.version.get(state, delegateKey);
  if (!v) throw new KeywardError("not_found", "delegate is not registered");
  return v;
}

/**
 * A registered app by name.
 * @throws KeywardError `not_found`.
 */
export async function requireApp(state: StateReader, name: string): Promise<AppRecord> {
  const app = await TABLES.app.get(state, name);
  if (!app) throw new KeywardError("not_found", "app is not registered");
  return app;
}

/**
 * Refuses any use of a delegate whose secrets already moved away.
 * @throws KeywardError `migrated` naming the target.
 */
export async function refuseTombstoned(state: StateReader, delegateKey: string, role: string): Promise<void> {
  const t = await TABLES.tombstone.get(state, delegateKey);
  if (t)
    throw new KeywardError(
      "migrated",
      `${role} ${delegateKey} was migrated to ${t.to} (migration ${t.migration})`,
      { to: t.to, migration: t.migration },
    );
}

/** The current (last) key of an app's chain. */
export function currentKey(app: AppRecord): { sequence: number; publicKey: string } {
  const k = app.keys[app.keys.length - 1];
  if (!k) throw new KeywardError("internal", `app ${app.name} has an empty key chain`);
  return k;
}
