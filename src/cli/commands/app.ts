// `keyward app keygen|register|rotate-key|show|list`: app identities and their signed key chains.

import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import { type AppInfo, signRotation } from "../../service/delegates.js";
import { bytesToHex, ed25519PublicKey, hexToBytes, randomBytes, Secret } from "../../service/primitives.js";
import { CLI_ACTOR } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag } from "../parse.js";
import { readSeedFile, withDelegates, writeSeedFile } from "./delegate-io.js";

function describeApp(a: AppInfo): string {
  return `${a.name}  key ${a.publicKey}  sequence ${a.sequence}`;
}

/** Registers `app …`. */
export function registerAppCommands(program: Command): void {
  const app = program.command("app").description("apps: Ed25519 identities that certify delegate versions");

  app
    .command("keygen")
    .description(
      "create an app author's offline key: a 32-byte seed as 64 hex (mode 0600); prints the public key",
    )
    .requiredOption("--out <file>", "where to write the seed (never overwritten)")
    .action((opts: { out: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const seed = Secret.adopt(randomBytes(32));
      try {
        const publicKey = bytesToHex(seed.use((s) => ed25519PublicKey(s)));
        writeSeedFile(opts.out, seed, "--out");
        emit(g.json, { publicKey, out: opts.out }, publicKey);
      } finally {
        seed.wipe();
      }
    });

  app
    .command("register")
    .description("register an app by name with its Ed25519 public key")
    .requiredOption("--name <name>", "app name (a-z 0-9 . _ -)")
    .requiredOption("--public-key <hex>", "the app's Ed25519 public key, 64 hex")
    .action(async (opts: { name: string; publicKey: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const pub = parseHexFlag(opts.publicKey, "--public-key", 32);
      const info = await withDelegates(cmd, (d) => d.apps.register(opts.name, pub, CLI_ACTOR));
      emit(g.json, info, describeApp(info));
    });

  app
    .command("rotate-key")
    .description(
      "rotate an app's key: the current key (--app-key) signs a statement naming the new public key",
    )
    .requiredOption("--name <name>", "app name")
    .requiredOption("--app-key <file>", "the app's CURRENT seed file")
    .requiredOption("--new-public-key <hex>", "the new Ed25519 public key (from `app keygen`)")
    .action(async (opts: { name: string; appKey: string; newPublicKey: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const newKey = parseHexFlag(opts.newPublicKey, "--new-public-key", 32);
      const seed = readSeedFile(opts.appKey, "--app-key");
      try {
        const info = await withDelegates(cmd, async (d) => {
          const cur = await d.apps.get(opts.name);
          const statement = {
            app: cur.name,
            sequence: cur.sequence + 1,
            previousKey: hexToBytes(cur.publicKey, "publicKey", 32),
            newKey,
          };
          let signature: Uint8Array;
          try {
            signature = signRotation(seed, statement);
          } catch {
            throw new KeywardError("invalid_signature", "--app-key is not the app's current key");
          }
          return d.apps.rotateKey(statement, signature, CLI_ACTOR);
        });
        emit(g.json, info, describeApp(info));
      } finally {
        seed.wipe();
      }
    });

  app
    .command("show")
    .description("an app and its key chain")
    .requiredOption("--name <name>", "app name")
    .action(async (opts: { name: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const info = await withDelegates(cmd, (d) => d.apps.get(opts.name));
      emit(
        g.json,
        info,
        [describeApp(info), ...info.keys.map((k) => `  #${k.sequence} ${k.publicKey}`)].join("\n"),
      );
    });

  app
    .command("list")
    .description("registered apps")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const apps = await withDelegates(cmd, (d) => d.apps.list());
      emit(g.json, { apps }, apps.length ? apps.map(describeApp).join("\n") : "no apps");
    });
}
