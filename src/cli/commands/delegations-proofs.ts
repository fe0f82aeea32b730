// `keyward delegations checkpoint|prove|verify`: signed Merkle checkpoints and offline-verifiable proofs.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { DelegationsService, storedCheckpointPublicKey } from "../../service/delegations.js";
import { configuredStoreMayExist } from "../../service/open.js";
import { commandConfig, isJson, withStorage } from "../context.js";
import { emit } from "../io.js";
import { parseHexFlag } from "../parse.js";
import { type Ids, id, keyOptions, position, warn, withDelegations } from "./delegations-common.js";

/**
 * The key a proof is checked against without --public-key: this store's checkpoint key when a store is
 * there, else (offline, no data dir) the key named in the proof's checkpoint, with a note on stderr.
 */
async function trustedCheckpointKey(cmd: Command, checkpoint: unknown): Promise<Uint8Array> {
  const config = commandConfig(cmd);
  if (configuredStoreMayExist(config)) {
    return withStorage(cmd, async (storage) => {
      const stored = await storedCheckpointPublicKey(storage);
      if (!stored)
        throw new KeywardError("not_found", "this store has no checkpoint key: pass --public-key HEX");
      return stored;
    });
  }
  const named = (checkpoint as { publicKey?: unknown } | undefined)?.publicKey;
  if (typeof named !== "string")
    throw new InputRangeError("--proof: the checkpoint names no public key: pass --public-key HEX");
  const key = parseHexFlag(named, "--proof checkpoint.publicKey", 32);
  process.stderr.write(
    `note: no store here; trusting the checkpoint key in the proof file (${named}); pin the operator's key with --public-key\n`,
  );
  return key;
}

/** `checkpoint`: sign a Merkle root over every key's history (the signing key is created on first use). */
function delegationsCheckpointCommand(dg: Command): void {
  dg.command("checkpoint")
    .description("sign a Merkle root over every key's history (the signing key is created on first use)")
    .action(async (_o: unknown, cmd: Command) => {
      const cp = await withDelegations(cmd, (d) => d.checkpoint(warn));
      emit(isJson(cmd), cp);
    });
}

/** `prove`: a key's history + Merkle path (or its absence) against the newest checkpoint. */
function delegationsProveCommand(dg: Command): void {
  keyOptions(
    dg
      .command("prove")
      .description("a key's history + Merkle path (or its absence) against the newest checkpoint"),
    "required",
  )
    .option("--out <file>", "write the proof file here instead of stdout")
    .action(async (o: Ids & { out?: string }, cmd: Command) => {
      const file = await withDelegations(cmd, (d) =>
        d.prove(id(o.delegator, "--delegator"), id(o.provider, "--provider"), id(o.scope, "--scope")),
      );
      if (o.out === undefined) emit(true, file);
      else {
        writeFileSync(o.out, `${JSON.stringify(file)}\n`);
        emit(isJson(cmd), { out: o.out, bytes: JSON.stringify(file.proof).length });
      }
    });
}

/** `verify`: verify a proof file offline and answer at --at (exit 1 if the proof is invalid). */
function delegationsVerifyCommand(dg: Command): void {
  dg.command("verify")
    .description("verify a proof file offline and answer at --at (exit 1 if the proof is invalid)")
    .requiredOption("--proof <file>", "proof file from `delegations prove`")
    .requiredOption("--at <n>", "position (block number)")
    .option("--public-key <hex>", "trusted checkpoint key (default: this store's key)")
    .action(async (o: { proof: string; at: string; publicKey?: string }, cmd: Command) => {
      const at = position(o.at, "--at");
      let file: { proof?: unknown; checkpoint?: unknown };
      try {
        file = JSON.parse(readFileSync(o.proof, "utf8"));
      } catch {
        throw new InputRangeError(`--proof: cannot read a JSON proof file at ${o.proof}`);
      }
      const key =
        o.publicKey === undefined
          ? await trustedCheckpointKey(cmd, file?.checkpoint)
          : parseHexFlag(o.publicKey, "--public-key", 32);
      // The verifier (Ed25519, libsodium) is loaded by the service on first use, not by every command.
      const r = await DelegationsService.verify(file?.proof, file?.checkpoint, key, at);
      if (r === false)
        throw new KeywardError("invalid_proof", "the proof does not verify against the checkpoint and key");
      emit(isJson(cmd), { valid: true, ...r });
    });
}

/** Registers `delegations checkpoint|prove|verify`. */
export function registerDelegationProofCommands(dg: Command): void {
  delegationsCheckpointCommand(dg);
  delegationsProveCommand(dg);
  delegationsVerifyCommand(dg);
}
