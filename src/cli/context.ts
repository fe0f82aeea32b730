// Opens the configured storage for one CLI command and always closes it.

import type { Command } from "commander";
import { type KeywardConfig, resolveConfig } from "../service/config.js";
import { openConfiguredStorage } from "../service/open.js";
import type { Storage } from "../service/storage-types.js";
import type { GlobalOptions } from "./io.js";

/** The caller every CLI write names in the audit log (HTTP names the request's token instead). */
export const CLI_ACTOR = "cli";

/** The resolved configuration of a command (global flags + environment). */
export function commandConfig(cmd: Command): KeywardConfig {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return resolveConfig({ data: g.data, db: g.db, keyFile: g.keyFile });
}

/** True when the command runs with --json. */
export function isJson(cmd: Command): boolean {
  return cmd.optsWithGlobals<GlobalOptions>().json === true;
}

/**
 * Runs `fn` with an unsealed storage, closing it afterwards (also on error). With `lazyUnseal`, the KDF runs
 * only if `fn` touches a secret (commands over public state start without the ~100 ms scrypt cost).
 * @example await withStorage(cmd, async (storage) => storage.secrets.list("app"));
 */
export async function withStorage<T>(
  cmd: Command,
  fn: (storage: Storage, config: KeywardConfig) => Promise<T>,
  options: { readonly lazyUnseal?: boolean } = {},
): Promise<T> {
  const config = commandConfig(cmd);
  const storage = await openConfiguredStorage(config, false, options);
  try {
    return await fn(storage, config);
  } finally {
    await storage.close();
  }
}
