// The rules a (source, target) pair must meet to migrate, checked when a token is issued and again when used.
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader } from "../store/ports.js";
import { refuseTombstoned, requireVersion } from "./lookups.js";
import { MODULE_TABLE, type VersionRecord } from "./records.js";
import { certificateHolds } from "./versions.js";

/**
 * Checks the migration rules of DESIGN §5 for `src` → `dst` (hex keys): both registered (`not_found`), same
 * app (`wrong_app`), both certificates valid under the app's key chain (`invalid_certificate`), target newer
 * (`rollback`), target not revoked (`revoked_target`), neither side migrated (`migrated`). Issuing a token for
 * a pair that would be refused fails here, so a token is never handed out that `migrate` cannot use.
 * @throws KeywardError with the codes above.
 */
export async function checkMigrationPair(
  state: StateReader,
  src: string,
  dst: string,
): Promise<{ source: VersionRecord; target: VersionRecord }> {
  const source = await requireVersion(state, src);
  const target = await requireVersion(state, dst);
  if (source.app !== target.app)
    throw new KeywardError("wrong_app", "source and target belong to different apps");
  if (!(await certificateHolds(state, target)))
    throw new KeywardError(
      "invalid_certificate",
      `target ${dst}'s certificate is not valid under app ${target.app}'s key chain`,
    );
  if (!(await certificateHolds(state, source)))
    throw new KeywardError(
      "invalid_certificate",
      `source ${src}'s certificate is not valid under app ${source.app}'s key chain`,
    );
  if (target.version <= source.version)
    throw new KeywardError(
      "rollback",
      `target version ${target.version} is not newer than source version ${source.version}`,
    );
  if (target.revoked)
    throw new KeywardError(
      "revoked_target",
      `target ${dst} (v${target.version}) was revoked: ${target.revoked.reason}`,
    );
  // A delegate whose own code holds its secrets must not move them where no code guards them (issue #24).
  if ((await state.get(MODULE_TABLE, src)) && !(await state.get(MODULE_TABLE, dst)))
    throw new KeywardError(
      "invalid_module",
      "the source runs its own WebAssembly: register the target with --wasm before migrating to it",
    );
  await refuseTombstoned(state, src, "source");
  await refuseTombstoned(state, dst, "target");
  return { source, target };
}
