// `keyward datakey status|rotate|reseal`: data-key rotation and re-sealing existing secrets under the new key.
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import {
  type ResealResult,
  resealStorageSecrets,
  rotateStorageDataKey,
  storageDataKeyStatus,
} from "../../service/data-keys.js";
import type { Storage } from "../../service/storage-types.js";
import { isJson, withStorage } from "../context.js";
import { emit } from "../io.js";

/** Re-seals with a progress bar on a terminal (never with --json). */
async function reseal(storage: Storage, json: boolean): Promise<ResealResult> {
  const bar =
    json || !process.stderr.isTTY
      ? undefined
      : new SingleBar({ format: "re-sealing secrets [{bar}] {value}/{total}" });
  try {
    return await resealStorageSecrets(storage, {
      onProgress: (done, total) => {
        if (!bar) return;
        if (done === 0) bar.start(total, 0);
        else bar.update(done);
      },
    });
  } finally {
    bar?.stop();
  }
}

function resealLine(r: ResealResult): string {
  return `re-sealed ${r.resealed} secret(s) under data key ${r.active}${r.skipped ? ` (${r.skipped} changed meanwhile, left as they are)` : ""}`;
}

/** Registers `datakey`. */
export function registerDataKeyCommands(program: Command): void {
  const dk = program
    .command("datakey")
    .description(
      "data keys: the keys that seal secrets (wrapped under the root key; see `rekey` for that one)",
    );

  dk.command("status")
    .description("the active data key and how many secrets each data key seals")
    .action(async (_o: unknown, cmd: Command) => {
      const s = await withStorage(cmd, (storage) => storageDataKeyStatus(storage));
      const counts = s.versions.map((v) => `v${v}: ${s.secrets[v] ?? 0}`).join(", ");
      emit(isJson(cmd), s, `active data key: v${s.active}; secrets per key: ${counts}`);
    });

  dk.command("rotate")
    .description("add a new data key for new secrets; --reseal also re-seals every existing secret under it")
    .option("--reseal", "re-seal existing secrets under the new key (in batches, resumable)")
    .action(async (opts: { reseal?: boolean }, cmd: Command) => {
      const json = isJson(cmd);
      const out = await withStorage(cmd, async (storage, config) => {
        if (!config.unseal) throw new KeywardError("unseal_failed", "no unseal material");
        const version = await rotateStorageDataKey(storage, config.unseal);
        return { version, reseal: opts.reseal ? await reseal(storage, json) : undefined };
      });
      const line = `data key v${out.version} is active for new secrets`;
      emit(
        json,
        { active: out.version, ...(out.reseal ? { reseal: out.reseal } : {}) },
        out.reseal ? `${line}; ${resealLine(out.reseal)}` : line,
      );
    });

  dk.command("reseal")
    .description("re-seal every secret not sealed with the active data key (resumable; safe while serving)")
    .action(async (_o: unknown, cmd: Command) => {
      const json = isJson(cmd);
      const r = await withStorage(cmd, (storage) => reseal(storage, json));
      emit(json, r, resealLine(r));
    });
}
