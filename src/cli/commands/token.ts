// `keyward token create|list|revoke|renew`: API tokens for the HTTP service (shown once, stored hashed).
import type { Command } from "commander";
import { createTokenService } from "../../service/keyward.js";
import { parseDuration } from "../../service/token-ttl.js";
import { SCOPES, type TokenInfo } from "../../service/tokens.js";
import { withStorage } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseListFlag } from "../parse.js";

function describe(info: TokenInfo, now = Date.now()): string {
  const expired = info.expiresAt !== null && Date.parse(info.expiresAt) <= now;
  const state = info.revokedAt
    ? `revoked ${info.revokedAt}`
    : expired
      ? `expired ${info.expiresAt}`
      : info.expiresAt
        ? `active until ${info.expiresAt}`
        : "active";
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
    .option("--ttl <duration>", "expire after 90s, 15m, 12h, 30d… (default: none, or the scopes' maximum)")
    .action(
      async (opts: { scope: string; partition?: string; label?: string; ttl?: string }, cmd: Command) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const scopes = parseListFlag(opts.scope, "--scope");
        const ttl = opts.ttl === undefined ? undefined : parseDuration(opts.ttl, "--ttl");
        const created = await withStorage(cmd, async (storage) =>
          (await createTokenService(storage)).create({
            scopes,
            partition: opts.partition ?? null,
            label: opts.label ?? null,
            ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
            actor: "cli",
          }),
        );
        // stdout carries only the token so `TOKEN=$(keyward token create …)` works; the note goes to stderr.
        emit(g.json, created, created.token);
        if (!g.json) process.stderr.write(`# token ${created.info.id}: shown once, store it now\n`);
      },
    );

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

  token
    .command("renew")
    .description("renew a live token: it expires --ttl (default: its own TTL) from now")
    .argument("<id>", "token id (16 hex characters, the part after kw_)")
    .option("--ttl <duration>", "new lifetime from now: 90s, 15m, 12h, 30d…")
    .action(async (id: string, opts: { ttl?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const ttl = opts.ttl === undefined ? undefined : parseDuration(opts.ttl, "--ttl");
      const info = await withStorage(cmd, async (storage) =>
        (await createTokenService(storage)).renew(id, ttl !== undefined ? { ttlSeconds: ttl } : {}, "cli"),
      );
      emit(g.json, info, describe(info));
    });
}
