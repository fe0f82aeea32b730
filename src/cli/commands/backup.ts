// `keyward backup --out F` (online snapshot) and `keyward restore F` (into an empty store, verified first).
import type { Command } from "commander";
import { backupStore, restoreStore } from "../../service/backup.js";
import { commandConfig, isJson } from "../context.js";
import { emit } from "../io.js";

/** Registers `backup` and `restore`. */
export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description(
      "write an online, consistent snapshot (state, sealed secrets, keyring, audit chain) to one file; " +
        "safe while `keyward serve` runs; secrets stay sealed and the unseal material is not included",
    )
    .requiredOption("--out <file>", "the backup file to write (mode 0600, written atomically)")
    .option("--force", "replace an existing file at --out")
    .addHelpText(
      "after",
      "\nExamples:\n  keyward backup --out keyward.backup\n  keyward --db postgres://… backup --out kw.backup" +
        "\nKeep the unseal key file or passphrase apart from the backup: together they are the plaintext.",
    )
    .action(async (opts: { out: string; force?: boolean }, cmd: Command) => {
      const result = await backupStore(commandConfig(cmd), { out: opts.out, force: opts.force === true });
      emit(
        isJson(cmd),
        result,
        `backup written: ${result.file} (${result.bytes} bytes from ${result.source}): ` +
          `${result.records} records, ${result.secrets} secrets, ${result.auditEntries} audit entries`,
      );
    });

  program
    .command("restore")
    .description(
      "restore a backup file into an empty data dir (or empty --db): unseals the keyring, opens every " +
        "sealed secret and verifies the audit chain before anything lands; on any failure nothing is left",
    )
    .argument("<file>", "a file written by `keyward backup`")
    .addHelpText(
      "after",
      "\nThe unseal material is the backup's own (KEYWARD_PASSPHRASE or --key-file), given explicitly." +
        "\nExamples:\n  keyward --data ./restored --key-file ./unseal.key restore keyward.backup" +
        "\n  KEYWARD_PASSPHRASE=… keyward --db postgres://…/db?schema=kw restore keyward.backup",
    )
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const result = await restoreStore(commandConfig(cmd), file);
      emit(
        isJson(cmd),
        result,
        `restored ${result.file} into ${result.target} (backup of ${result.createdAt}), all verified: ` +
          `${result.records} records, ${result.secrets} secrets, ${result.auditEntries} audit entries`,
      );
    });
}
