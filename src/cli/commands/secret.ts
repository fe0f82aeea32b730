// `keyward secret put|get|list|delete`: the operator's named secrets, sealed in the "user" namespace.

import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { bytesToHex, Secret, wipe } from "../../service/primitives.js";
import { assertStoreKey } from "../../service/storage-types.js";
import { withStorage } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";

/** The SecretStore namespace of CLI-managed secrets. */
export const CLI_SECRET_NAMESPACE = "user";

/** Largest value `secret put` accepts from stdin. */
const MAX_STDIN = 1 << 20;

/** Reads all of stdin as bytes (the secret value, raw: no trimming, no decoding). */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin) {
      const buf = chunk as Buffer;
      total += buf.length;
      chunks.push(buf);
      if (total > MAX_STDIN) throw new InputRangeError(`stdin must be at most ${MAX_STDIN} bytes`);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    for (const c of chunks) c.fill(0);
  }
}

function checkName(name: string): string {
  assertStoreKey(name, "NAME");
  return name;
}

/** Registers `secret put|get|list|delete`. */
export function registerSecretCommands(program: Command): void {
  const secret = program.command("secret").description("named secrets, sealed at rest (value = raw bytes)");

  secret
    .command("put <NAME>")
    .description("store stdin (raw bytes) as secret NAME, replacing any previous value")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      checkName(name);
      const value = await readStdin();
      try {
        if (value.length === 0)
          throw new InputRangeError("stdin is empty: pipe the secret value into `secret put`");
        await withStorage(cmd, (storage) =>
          storage.secrets.put(CLI_SECRET_NAMESPACE, name, Secret.from(value)),
        );
        emit(g.json, { name, bytes: value.length }, `stored secret ${name} (${value.length} bytes)`);
      } finally {
        wipe(value);
      }
    });

  secret
    .command("get <NAME>")
    .description("write secret NAME to stdout as raw bytes (requires --reveal)")
    .option("--reveal", "confirm that the secret may be written to stdout")
    .action(async (name: string, opts: { reveal?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      checkName(name);
      if (!opts.reveal)
        throw new InputRangeError(
          "secret get prints the secret value: add --reveal to confirm (raw bytes on stdout)",
        );
      await withStorage(cmd, async (storage) => {
        const value = await storage.secrets.get(CLI_SECRET_NAMESPACE, name);
        if (!value) throw new KeywardError("not_found", "no secret with that name");
        try {
          if (g.json) emit(true, { name, hex: bytesToHex(value.expose()) });
          else process.stdout.write(value.expose());
        } finally {
          value.wipe();
        }
      });
    });

  secret
    .command("list")
    .description("list secret names (never values)")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const names = await withStorage(cmd, (storage) => storage.secrets.list(CLI_SECRET_NAMESPACE));
      // Human output is one name per line (nothing when empty), so it pipes cleanly into other tools.
      if (g.json || names.length > 0) emit(g.json, { names }, names.join("\n"));
    });

  secret
    .command("delete <NAME>")
    .description("delete secret NAME")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      checkName(name);
      const deleted = await withStorage(cmd, (storage) => storage.secrets.delete(CLI_SECRET_NAMESPACE, name));
      if (!deleted) throw new KeywardError("not_found", "no secret with that name");
      emit(g.json, { name, deleted: true }, `deleted secret ${name}`);
    });
}
