// `keyward delegate secret put|get|list|delete --delegate KEY [NAME]`: the delegate's sealed namespace.

import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { Secret } from "../../service/primitives.js";
import { emit, type GlobalOptions } from "../io.js";
import { readStdin, withDelegates } from "./delegate-io.js";

/** Registers `delegate secret …`. */
export function registerDelegateSecretCommands(delegate: Command): void {
  const secret = delegate.command("secret").description("a delegate's sealed secret namespace");

  secret
    .command("put")
    .description("store a secret: the value is the bytes on stdin")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .argument("<name>", "secret name (printable ASCII, no spaces)")
    .action(async (name: string, opts: { delegate: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const value = Secret.adopt(await readStdin());
      try {
        await withDelegates(cmd, (d) => d.secrets.put(opts.delegate, name, value));
        emit(g.json, { delegate: opts.delegate.toLowerCase(), name, bytes: value.length }, `stored ${name}`);
      } finally {
        value.wipe();
      }
    });

  secret
    .command("get")
    .description("write a secret's raw bytes to stdout (requires --reveal)")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .option("--reveal", "confirm that the secret may be printed")
    .argument("<name>", "secret name")
    .action(async (name: string, opts: { delegate: string; reveal?: boolean }, cmd: Command) => {
      if (!opts.reveal) throw new InputRangeError("--reveal is required to print a secret");
      const value = await withDelegates(cmd, (d) => d.secrets.get(opts.delegate, name));
      if (!value) throw new KeywardError("not_found", "secret does not exist");
      try {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(Buffer.from(value.expose()), (err) => (err ? reject(err) : resolve())),
        );
      } finally {
        value.wipe();
      }
    });

  secret
    .command("list")
    .description("secret names of a delegate")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .action(async (opts: { delegate: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const names = await withDelegates(cmd, (d) => d.secrets.list(opts.delegate));
      emit(g.json, { names }, names.length ? names.join("\n") : "no secrets");
    });

  secret
    .command("delete")
    .description("delete a secret")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .argument("<name>", "secret name")
    .action(async (name: string, opts: { delegate: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const deleted = await withDelegates(cmd, (d) => d.secrets.delete(opts.delegate, name));
      if (!deleted) throw new KeywardError("not_found", "secret does not exist");
      emit(g.json, { deleted: name }, `deleted ${name}`);
    });
}
