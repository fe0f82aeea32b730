// Runtime configuration from flags and environment, validated at start (one clear line on a bad value).
import { resolve } from "node:path";
import { KeywardError } from "../errors/keyward-error.js";
import type { UnsealMaterial } from "../store/sealing/root-key.js";

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
 * `KEYWARD_PASSPHRASE`; the data dir defaults to `./.keyward`.
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
  let unseal: UnsealMaterial | undefined;
  if (keyFile) unseal = { keyFile: resolve(keyFile) };
  else if (passphrase !== undefined && passphrase !== "") unseal = { passphrase };
  return { dataDir, db: db === "" ? undefined : db, unseal };
}
