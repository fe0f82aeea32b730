// Test helper for the end-to-end CLI suites: one `keyward` run from the sources, as a new user's shell would.
import { spawnSync } from "node:child_process";

/** What one CLI run printed (trimmed) and its exit code (−1 when it did not exit normally). */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `keyward --data <dataDir> <args>` through tsx to completion, with no KEYWARD_DATA, _DB, _KEY_FILE or
 * _PASSPHRASE of the caller (so only the data dir decides which store is used).
 */
export function runCli(dataDir: string, args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "--data", dataDir, ...args], {
    encoding: "utf8",
    env: { ...process.env, KEYWARD_DATA: "", KEYWARD_DB: "", KEYWARD_KEY_FILE: "", KEYWARD_PASSPHRASE: "" },
  });
  return { code: r.status ?? -1, out: r.stdout.trim(), err: r.stderr.trim() };
}
