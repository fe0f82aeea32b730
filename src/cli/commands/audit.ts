// `keyward audit verify`: checks the whole hash chain; a broken chain exits 1 with error `audit_broken`.
import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import { openAuditLog } from "../../service/audit.js";
import { isJson, withStorage } from "../context.js";
import { emit } from "../io.js";

/** Registers `audit verify`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the hash-chained audit log");
  audit
    .command("verify")
    .description("verify every entry: numbering, hashes, MACs, links and the recorded head")
    .action(async (_o: unknown, cmd: Command) => {
      const result = await withStorage(cmd, async (storage) => {
        const log = await openAuditLog(storage);
        try {
          return await log.verify();
        } finally {
          log.close();
        }
      });
      if (!result.ok) {
        // The finding goes to stdout for scripts; the refusal (exit 1) names the first bad entry.
        if (!isJson(cmd)) emit(false, result);
        throw new KeywardError(
          "audit_broken",
          `audit chain broken at entry ${result.firstBadSeq}: ${result.reason ?? "invalid"}`,
          { ...result },
        );
      }
      emit(isJson(cmd), result, `audit log ok: ${result.entries} entries`);
    });
}
