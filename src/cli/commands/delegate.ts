// `keyward delegate certify|register|revoke-version|status|versions|token|migrate` (+ secret and session groups).

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import {
  certifyDelegate,
  DEFAULT_TOKEN_TTL,
  formatCertificate,
  MAX_TOKEN_TTL,
  parseCertificate,
  type VersionInfo,
  type VersionStatus,
} from "../../service/delegates.js";
import { bytesToHex } from "../../service/primitives.js";
import { CLI_ACTOR } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag, parseIntFlag, readFileFlag } from "../parse.js";
import { registerDelegateCosignerCommands } from "./delegate-cosigner.js";
import { flagOrStdin, readSeedFile, withDelegates } from "./delegate-io.js";
import { registerDelegateSecretCommands } from "./delegate-secret.js";
import { registerDelegateSessionCommands } from "./delegate-session.js";
import { registerDelegateWasmCommands } from "./delegate-wasm.js";

function describeVersion(v: VersionInfo): string {
  const revoked = v.revoked ? `  REVOKED (${v.revoked.reason})` : "";
  return `${v.delegateKey}  ${v.app} v${v.version}${revoked}`;
}

function describeStatus(s: VersionStatus): string {
  const where = s.migratedTo ? `migrated to ${s.migratedTo.to} (${s.migratedTo.migration})` : "live";
  const module = s.module ? `; WebAssembly module (${s.module.bytes} bytes)` : "";
  return `${describeVersion(s)}\n  ${where}; ${s.secrets} secret(s), ${s.sessions} session(s)${module}`;
}

/** `delegate certify`: offline, by the app author: sign a certificate for a delegate version (writes --out). */
function delegateCertifyCommand(delegate: Command): void {
  delegate
    .command("certify")
    .description("offline, by the app author: sign a certificate for a delegate version (writes --out)")
    .requiredOption("--app-key <file>", "app seed file (from `app keygen`)")
    .requiredOption("--code <file>", "delegate code (e.g. WASM)")
    .option("--params <hex>", "delegate parameters as hex (default empty)")
    .requiredOption("--version <n>", "version number, 0 … 4294967295")
    .requiredOption("--out <file>", "certificate file to write")
    .action(
      (
        opts: { appKey: string; code: string; params?: string; version: string; out: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const code = readFileFlag(opts.code, "--code");
        const params = opts.params === undefined ? new Uint8Array(0) : parseHexFlag(opts.params, "--params");
        const version = parseIntFlag(opts.version, "--version", 0, 0xffffffff);
        const seed = readSeedFile(opts.appKey, "--app-key");
        try {
          const cert = certifyDelegate(seed, code, params, version);
          try {
            writeFileSync(opts.out, formatCertificate(cert));
          } catch {
            throw new InputRangeError(`--out: cannot write file ${opts.out}`);
          }
          const key = bytesToHex(cert.delegateKey);
          emit(
            g.json,
            {
              delegateKey: key,
              codeHash: bytesToHex(cert.codeHash),
              version,
              appKey: bytesToHex(cert.appKey),
              out: opts.out,
            },
            key,
          );
        } finally {
          seed.wipe();
        }
      },
    );
}

/** `delegate register`: register a delegate version from its certificate (must be signed by the app's current key), optionally with its WebAssembly module. */
function delegateRegisterCommand(delegate: Command): void {
  delegate
    .command("register")
    .description(
      "register a delegate version from its certificate (must be signed by the app's current key), optionally with its WebAssembly module",
    )
    .requiredOption("--cert <file>", "certificate file from `delegate certify`")
    .option(
      "--wasm <file>",
      "the version's freenet WebAssembly module (BLAKE3 must equal the certified code hash)",
    )
    .action(async (opts: { cert: string; wasm?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const cert = parseCertificate(new TextDecoder().decode(readFileFlag(opts.cert, "--cert")));
      const wasm = opts.wasm === undefined ? undefined : readFileFlag(opts.wasm, "--wasm");
      const info: VersionInfo & { module?: { bytes: number } } = await withDelegates(cmd, (d) =>
        wasm ? d.modules.register(cert, wasm, CLI_ACTOR) : d.versions.register(cert, CLI_ACTOR),
      );
      const module = info.module ? `  (WebAssembly module, ${info.module.bytes} bytes)` : "";
      emit(g.json, info, `${describeVersion(info)}${module}`);
    });
}

/** `delegate revoke-version`: revoke a delegate version with a statement signed by the app's current key. */
function delegateRevokeVersionCommand(delegate: Command): void {
  delegate
    .command("revoke-version")
    .description("revoke a delegate version with a statement signed by the app's current key")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .requiredOption("--app-key <file>", "the app's current seed file")
    .option("--reason <text>", "why (recorded, at most 200 characters)", "")
    .action(async (opts: { delegate: string; appKey: string; reason: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const seed = readSeedFile(opts.appKey, "--app-key");
      try {
        const info = await withDelegates(cmd, (d) =>
          d.versions.revokeWithKey(opts.delegate, opts.reason, seed, CLI_ACTOR),
        );
        emit(g.json, info, describeVersion(info));
      } finally {
        seed.wipe();
      }
    });
}

/** `delegate status`: a delegate version: app, version, revocation, where its secrets are. */
function delegateStatusCommand(delegate: Command): void {
  delegate
    .command("status")
    .description("a delegate version: app, version, revocation, where its secrets are")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .action(async (opts: { delegate: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const s = await withDelegates(cmd, (d) => d.versions.status(opts.delegate));
      emit(g.json, s, describeStatus(s));
    });
}

/** `delegate versions`: registered versions of an app. */
function delegateVersionsCommand(delegate: Command): void {
  delegate
    .command("versions")
    .description("registered versions of an app")
    .requiredOption("--app <name>", "app name")
    .action(async (opts: { app: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const versions = await withDelegates(cmd, (d) => d.versions.list(opts.app));
      emit(g.json, { versions }, versions.length ? versions.map(describeVersion).join("\n") : "no versions");
    });
}

/** `delegate token`: issue a single-use migration token for (source, target); shown once, stored hashed. */
function delegateTokenCommand(delegate: Command): void {
  delegate
    .command("token")
    .description("issue a single-use migration token for (source, target); shown once, stored hashed")
    .requiredOption("--from <key>", "source delegate key")
    .requiredOption("--to <key>", "target delegate key")
    .option("--ttl <seconds>", `lifetime in seconds (default ${DEFAULT_TOKEN_TTL})`)
    .action(async (opts: { from: string; to: string; ttl?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const ttl =
        opts.ttl === undefined ? DEFAULT_TOKEN_TTL : parseIntFlag(opts.ttl, "--ttl", 1, MAX_TOKEN_TTL);
      const t = await withDelegates(cmd, (d) => d.tokens.issue(opts.from, opts.to, ttl, CLI_ACTOR));
      // stdout carries only the token so `T=$(keyward delegate token …)` works; the note goes to stderr.
      emit(g.json, { token: t.token, id: t.id, from: t.from, to: t.to, expiresAt: t.expiresAt }, t.token);
      if (!g.json) process.stderr.write(`# token ${t.id}: single use, expires ${t.expiresAt}; shown once\n`);
    });
}

/** `delegate migrate`: move every secret of --from to the newer version --to (one transaction; the token is consumed). */
function delegateMigrateCommand(delegate: Command): void {
  delegate
    .command("migrate")
    .description(
      "move every secret of --from to the newer version --to (one transaction; the token is consumed)",
    )
    .requiredOption("--from <key>", "source delegate key")
    .requiredOption("--to <key>", "target delegate key")
    .requiredOption("--token <token>", "migration token (or - to read it from stdin)")
    .action(async (opts: { from: string; to: string; token: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const token = await flagOrStdin(opts.token, "--token");
      const r = await withDelegates(cmd, (d) => d.migrations.migrate(opts.from, opts.to, token, CLI_ACTOR));
      const conflicts = r.conflicts.length ? `; kept the target's value for ${r.conflicts.join(", ")}` : "";
      emit(
        g.json,
        r,
        `migrated ${r.moved} secret(s) ${r.app} v${r.fromVersion} → v${r.toVersion} (migration ${r.id})${conflicts}`,
      );
    });
}

/** Registers the delegate subcommands on the shared `delegate` command (next to `delegate key`). */
export function registerDelegateCommands(delegate: Command): void {
  for (const add of [
    delegateCertifyCommand,
    delegateRegisterCommand,
    delegateRevokeVersionCommand,
    delegateStatusCommand,
    delegateVersionsCommand,
    delegateTokenCommand,
    delegateMigrateCommand,
  ])
    add(delegate);
  registerDelegateWasmCommands(delegate);
  registerDelegateSecretCommands(delegate);
  registerDelegateSessionCommands(delegate);
  registerDelegateCosignerCommands(delegate);
}
