// `keyward derive room-secret` and `keyward delegate key`: pure derivations, no data dir needed.

import type { Command } from "commander";
import { delegateKey, deriveRoomSecret } from "../../service/derivations.js";
import { bytesToHex, wipe } from "../../service/primitives.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag, parseIntFlag, readFileFlag } from "../parse.js";

/** Registers `derive room-secret`. */
export function registerDeriveCommands(program: Command): void {
  const derive = program.command("derive").description("pure derivations (no data directory needed)");
  derive
    .command("room-secret")
    .description(
      "River room secret for a version: BLAKE3 two-phase KDF over the owner seed (64 hex on stdout)",
    )
    .requiredOption("--seed <hex>", "owner Ed25519 seed, 32 bytes as 64 hex")
    .requiredOption("--owner <hex>", "owner Ed25519 verifying key, 32 bytes as 64 hex")
    .requiredOption("--version <n>", "secret version, 0 … 4294967295")
    // Bad usage is reported as one line naming the flag (the contract), not followed by the whole help.
    .showHelpAfterError(false)
    .action((opts: { seed: string; owner: string; version: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const seed = parseHexFlag(opts.seed, "--seed", 32);
      const owner = parseHexFlag(opts.owner, "--owner", 32);
      const version = parseIntFlag(opts.version, "--version", 0, 0xffffffff);
      const secret = deriveRoomSecret(seed, owner, version);
      const hex = bytesToHex(secret);
      wipe(seed, secret);
      emit(g.json, { secret: hex, version }, hex);
    });
}

/** Registers `delegate key` under the shared `delegate` command. */
export function registerDelegateKeyCommand(delegate: Command): void {
  delegate
    .command("key")
    .description("freenet delegate key: BLAKE3(BLAKE3(code) ‖ params) (64 hex on stdout)")
    .requiredOption("--code <file>", "delegate code (e.g. WASM) file")
    .option("--params <hex>", "delegate parameters as hex (default empty)")
    .showHelpAfterError(false)
    .action((opts: { code: string; params?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const code = readFileFlag(opts.code, "--code");
      const params = opts.params === undefined ? new Uint8Array(0) : parseHexFlag(opts.params, "--params");
      const { codeHash, key } = delegateKey(code, params);
      emit(g.json, { codeHash: bytesToHex(codeHash), key: bytesToHex(key) }, bytesToHex(key));
    });
}
