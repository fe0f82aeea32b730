// Runtime configuration from flags and environment, validated at start (one clear line on a bad value).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { KeywardError } from "../errors/keyward-error.js";
import type { UnsealMaterial } from "../store/sealing/root-key.js";

/** Key files looked for inside the data dir when no unseal material is given (init's, then dev mode's). */
export const DEFAULT_KEY_FILES = ["unseal.key", "dev-unseal.key"] as const;

/** Where keyward keeps its data and how it unseals. */
export interface KeywardConfig {
  readonly dataDir: string;
  readonly db: string | undefined;
  readonly unseal: UnsealMaterial | undefined;
}

/** Flag values as parsed by a surface (all optional). */
export interface ConfigInput {
  readonly data?: string | undefined;
  readonly db?: string | undefined;
  readonly keyFile?: string | undefined;
}

/**
 * Resolves configuration: flags win over `KEYWARD_DATA`, `KEYWARD_DB`, `KEYWARD_KEY_FILE`,
 * `KEYWARD_PASSPHRASE`, `KEYWARD_UNSEAL_SHARES_FILE` (a file of key shares, one a line), then a key file inside
 * the data dir (DEFAULT_KEY_FILES); the data dir defaults to `./.keyward`.
 * @throws KeywardError `invalid_input` naming the bad setting.
 */
export function resolveConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): KeywardConfig {
  const dataDir = resolve(input.data ?? env.KEYWARD_DATA ?? "./.keyward");
  const db = input.db ?? env.KEYWARD_DB ?? undefined;
  if (db !== undefined && db !== "" && !/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(db)) {
    throw new KeywardError("invalid_input", "--db / KEYWARD_DB must be sqlite:PATH or postgres://…");
  }
  const keyFile = input.keyFile ?? env.KEYWARD_KEY_FILE;
  const passphrase = env.KEYWARD_PASSPHRASE;
  const sharesFile = env.KEYWARD_UNSEAL_SHARES_FILE;
  let unseal: UnsealMaterial | undefined;
  if (keyFile) unseal = { keyFile: resolve(keyFile) };
  else if (passphrase !== undefined && passphrase !== "") unseal = { passphrase };
  else if (sharesFile) unseal = { sharesFile: resolve(sharesFile) };
  else {
    // Convenience for a local data dir: a key file that `keyward init` or dev mode wrote inside it.
    for (const name of DEFAULT_KEY_FILES) {
      const candidate = join(dataDir, name);
      if (existsSync(candidate)) {
        unseal = { keyFile: candidate };
        break;
      }
    }
  }
  return { dataDir, db: db === "" ? undefined : db, unseal };
}
