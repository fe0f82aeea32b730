// `keyward token create|list|revoke`: API tokens for the HTTP service (shown once, stored hashed).
import type { Command } from "commander";
import { createTokenService } from "../../service/keyward.js";
import { SCOPES, type TokenInfo } from "../../service/tokens.js";
import { withStorage } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseListFlag } from "../parse.js";

function describe(info: TokenInfo): string {
  const state = info.revokedAt ? `revoked ${info.revokedAt}` : "active";
  const bound = info.partition ? ` partition=${info.partition}` : "";
  const label = info.label ? ` label=${JSON.stringify(info.label)}` : "";
  return `${info.id}  ${state}  scopes=${info.scopes.join(",")}${bound}${label}  created ${info.createdAt}`;
}

/** Registers `token create|list|revoke`. */
export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("API tokens for `keyward serve` (bearer auth)");

  token
    .command("create")
    .description(`create a token; printed once, stored only as a hash. Scopes: ${SCOPES.join(", ")}`)
    .requiredOption("--scope <s,…>", "comma-separated scopes (admin implies all)")
    .option("--partition <p>", "bind the token to one partition")
    .option("--label <text>", "a note shown by `token list`")
    .action(async (opts: { scope: string; partition?: string; label?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const scopes = parseListFlag(opts.scope, "--scope");
      const created = await withStorage(cmd, async (storage) =>
        (await createTokenService(storage)).create({
          scopes,
          partition: opts.partition ?? null,
          label: opts.label ?? null,
          actor: "cli",
        }),
      );
      // stdout carries only the token so `TOKEN=$(keyward token create …)` works; the note goes to stderr.
      emit(g.json, created, created.token);
      if (!g.json) process.stderr.write(`# token ${created.info.id}: shown once, store it now\n`);
    });

  token
    .command("list")
    .description("list tokens (ids, scopes, partition, state; never the token values)")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const tokens = await withStorage(cmd, async (storage) => (await createTokenService(storage)).list());
      emit(g.json, { tokens }, tokens.length ? tokens.map(describe).join("\n") : "no tokens");
    });

  token
    .command("revoke")
    .description("revoke a token by id (final)")
    .argument("<id>", "token id (16 hex characters, the part after kw_)")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const info = await withStorage(cmd, async (storage) =>
        (await createTokenService(storage)).revoke(id, "cli"),
      );
      emit(g.json, info, describe(info));
    });
}
