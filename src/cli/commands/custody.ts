// `keyward partition|identity|msk …`: custody from the command line (outputs per DESIGN's CLI contract).

import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import {
  assertScheme,
  type Custody,
  createCustody,
  type IdentityRef,
  type Scheme,
} from "../../service/custody.js";
import { hexToBytes, Secret, wipe } from "../../service/primitives.js";
import { CLI_ACTOR, isJson, withStorage } from "../context.js";
import { emit } from "../io.js";
import { parseHexFlag, readFileFlag } from "../parse.js";
import { progressBar } from "../progress.js";

interface PathFlags {
  partition: string;
  identity: string;
  label?: string;
}

async function withCustody<T>(cmd: Command, fn: (custody: Custody) => Promise<T>): Promise<T> {
  return withStorage(cmd, async (storage) => {
    // Every audited call below passes CLI_ACTOR, as the CLI's other writes do.
    const service = await createCustody(storage);
    try {
      return await fn(service.custody);
    } finally {
      service.close();
    }
  });
}

function ref(opts: PathFlags): IdentityRef {
  return { partition: opts.partition, identity: opts.identity, label: opts.label };
}

function schemeFlag(value: string | undefined, fallback: Scheme = "ed25519"): Scheme {
  const s = value ?? fallback;
  try {
    assertScheme(s);
  } catch {
    throw new InputRangeError("--scheme must be ed25519, secp256k1, x25519 or bip340");
  }
  return s;
}

function pathCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .requiredOption("--partition <p>", "partition name")
    .requiredOption("--identity <id>", "identity as type:value, e.g. email:alice@example.com")
    .option("--label <l>", "child key label, e.g. agent-1 (default: none)");
}

/** Reads a private key file: 64 hex characters (surrounding whitespace allowed), as a Secret. */
function readKeyFile(path: string | undefined, flag: string): Secret {
  const raw = readFileFlag(path, flag);
  const text = new TextDecoder().decode(raw).trim();
  wipe(raw);
  const hex = text.startsWith("0x") ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new InputRangeError(`${flag} must hold 64 hex characters`);
  return Secret.adopt(hexToBytes(hex, flag, 32));
}

/** `partition create|list`: custody partitions. */
function partitionCommands(program: Command): void {
  const partition = program.command("partition").description("custody partitions (one MSK each)");
  partition
    .command("create <name>")
    .description("create a partition with its own sealed master secret key")
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const p = await withCustody(cmd, (c) => c.createPartition(name, CLI_ACTOR));
      emit(isJson(cmd), p, `created partition ${p.name} (MSK epoch ${p.epoch})`);
    });
  partition
    .command("list")
    .description("list partitions")
    .action(async (_o: unknown, cmd: Command) => {
      const list = await withCustody(cmd, (c) => c.listPartitions());
      emit(
        isJson(cmd),
        { partitions: list },
        list.map((p) => `${p.name}\tepoch ${p.epoch}`).join("\n") || "(none)",
      );
    });
}

/** `identity key|sign|rotate|suspend|resume|revoke|history|import-legacy|remap`: identity keys. */
function identityCommands(program: Command): void {
  const identity = program.command("identity").description("identity keys derived from the partition MSK");
  pathCommand(identity, "key", "the current public key (the path is created on first use)")
    .option("--scheme <s>", "ed25519 (default), secp256k1, x25519 or bip340 (x-only, + taprootOutputKey)")
    .action(async (opts: PathFlags & { scheme?: string }, cmd: Command) => {
      const scheme = schemeFlag(opts.scheme);
      emit(true, await withCustody(cmd, (c) => c.key(ref(opts), scheme, CLI_ACTOR)));
    });
  pathCommand(identity, "sign", "sign with the current key (--eip191: EIP-191 personal message, secp256k1)")
    .option("--scheme <s>", "ed25519 (default), secp256k1 or bip340 (BIP-340 Schnorr)")
    .option("--message-hex <hex>", "message as hex (secp256k1 without --eip191: a 32-byte digest)")
    .option("--message-file <file>", "message file")
    .option("--eip191", "EIP-191 personal_sign (implies --scheme secp256k1)")
    .option(
      "--taproot [merkle-root-hex]",
      "bip340: sign with the BIP-341 tweaked key (key-path, or a script root)",
    )
    .action(
      async (
        opts: PathFlags & {
          scheme?: string;
          messageHex?: string;
          messageFile?: string;
          eip191?: boolean;
          taproot?: boolean | string;
        },
        cmd: Command,
      ) => {
        if ((opts.messageHex === undefined) === (opts.messageFile === undefined))
          throw new InputRangeError("give exactly one of --message-hex or --message-file");
        const message =
          opts.messageHex !== undefined
            ? parseHexFlag(opts.messageHex, "--message-hex")
            : readFileFlag(opts.messageFile, "--message-file");
        const scheme = schemeFlag(opts.scheme, opts.eip191 ? "secp256k1" : "ed25519");
        const taproot =
          typeof opts.taproot === "string" ? parseHexFlag(opts.taproot, "--taproot", 32) : opts.taproot;
        const s = await withCustody(cmd, (c) =>
          c.sign(
            ref(opts),
            message,
            { scheme, eip191: opts.eip191 === true, ...(taproot !== undefined ? { taproot } : {}) },
            CLI_ACTOR,
          ),
        );
        emit(true, { signature: s.signature, publicKey: s.publicKey, generation: s.generation });
      },
    );
  pathCommand(identity, "rotate", "generation + 1; the old keys sign a statement naming the new ones").action(
    async (opts: PathFlags, cmd: Command) =>
      emit(true, await withCustody(cmd, (c) => c.rotate(ref(opts), CLI_ACTOR))),
  );
  for (const [name, text] of [
    ["suspend", "suspend (reversible): signing fails with `suspended`"],
    ["resume", "resume a suspended path"],
    ["revoke", "revoke for good: the path can never be used again"],
  ] as const)
    pathCommand(identity, name, text).action(async (opts: PathFlags, cmd: Command) =>
      emit(true, await withCustody(cmd, (c) => c[name](ref(opts), CLI_ACTOR))),
    );
  pathCommand(identity, "history", "public keys, signed statements and status changes").action(
    async (opts: PathFlags, cmd: Command) => emit(true, await withCustody(cmd, (c) => c.history(ref(opts)))),
  );
  pathCommand(identity, "import-legacy", "import a random Ed25519 seed / secp256k1 private key (sealed)")
    .requiredOption("--scheme <s>", "ed25519 or secp256k1")
    .requiredOption("--private-key-file <file>", "file holding the 32-byte private key as 64 hex")
    .action(async (opts: PathFlags & { scheme: string; privateKeyFile: string }, cmd: Command) => {
      if (opts.scheme !== "ed25519" && opts.scheme !== "secp256k1")
        throw new InputRangeError("--scheme must be ed25519 or secp256k1");
      const key = readKeyFile(opts.privateKeyFile, "--private-key-file");
      try {
        const scheme = opts.scheme;
        emit(true, await withCustody(cmd, (c) => c.importLegacy(ref(opts), scheme, key, CLI_ACTOR)));
      } finally {
        key.wipe();
      }
    });
  pathCommand(
    identity,
    "remap",
    "move an imported key to a derived key (statement signed by the imported key)",
  ).action(async (opts: PathFlags, cmd: Command) =>
    emit(true, await withCustody(cmd, (c) => c.remap(ref(opts), CLI_ACTOR))),
  );
}

/** `msk …`: partition master secret keys. */
function mskCommands(program: Command): void {
  const msk = program.command("msk").description("partition master secret keys");
  msk
    .command("rotate")
    .description(
      "open a new MSK epoch and move every identity to it (progress bar); the old MSK is destroyed",
    )
    .requiredOption("--partition <p>", "partition name")
    .option("--lazy", "do not move identities now: each moves on its next use")
    .option("--progress", "show the progress bar even when stderr is not a terminal")
    .action(async (opts: { partition: string; lazy?: boolean; progress?: boolean }, cmd: Command) => {
      const json = isJson(cmd);
      const bar = progressBar(0, "moving identities", "identities", opts.progress);
      try {
        const r = await withCustody(cmd, (c) =>
          c.rotateMsk(
            opts.partition,
            { batch: opts.lazy !== true, onProgress: (done, total) => bar.update(done, total) },
            CLI_ACTOR,
          ),
        );
        bar.complete();
        bar.stop();
        emit(
          json,
          r,
          `partition ${r.partition}: MSK epoch ${r.epoch}, moved ${r.moved}, destroyed epochs [${r.destroyedEpochs.join(", ")}]`,
        );
      } finally {
        bar.stop();
      }
    });
}

/** Registers `partition`, `identity` and `msk`. */
export function registerCustodyCommands(program: Command): void {
  partitionCommands(program);
  identityCommands(program);
  mskCommands(program);
}
