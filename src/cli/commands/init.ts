// `keyward init` (new data dir + sealed keyring; key file, passphrase or key shares) and `keyward rekey`.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import { type KeywardConfig, resolveConfig } from "../../service/config.js";
import { newUnsealShares, type ShareSplit, type UnsealMaterial } from "../../service/key-shares.js";
import { openConfiguredStorage, unsealSource } from "../../service/open.js";
import { wipe } from "../../service/primitives.js";
import {
  initializeStorage,
  isStoreInitialized,
  newKeyFileContent,
  resolveDbUrl,
  rotateStorageRootKey,
  storeUnsealMode,
} from "../../service/store-admin.js";
import { commandConfig } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { readShares, type ShareFlags, shareLines, shareSplitFromFlags, shareStrings } from "./shares-io.js";

/** The key file `init` writes when no unseal material is given. */
export const INIT_KEY_FILE = "unseal.key";

/** Unseal material given explicitly (flag or environment), ignoring key files found in the data dir. */
function explicitMaterial(g: GlobalOptions, env: NodeJS.ProcessEnv): UnsealMaterial | undefined {
  const keyFile = g.keyFile ?? env.KEYWARD_KEY_FILE;
  if (keyFile) return { keyFile: resolve(keyFile) };
  if (env.KEYWARD_PASSPHRASE) return { passphrase: env.KEYWARD_PASSPHRASE };
  return undefined;
}

function backendLabel(config: KeywardConfig): string {
  const url = resolveDbUrl(config.db, config.dataDir);
  // Never print a Postgres URL: it may carry a password.
  return url.startsWith("sqlite:") ? url : "postgres";
}

/** `init` on a store that exists: writes nothing; succeeds only when the configured material opens it. */
async function reportExisting(config: KeywardConfig, material: UnsealMaterial | undefined, json?: boolean) {
  if (!material)
    throw new KeywardError(
      "already_exists",
      `${config.dataDir} is already initialised and no unseal material was given or found there; nothing was changed`,
    );
  const storage = await openConfiguredStorage({ ...config, unseal: material });
  await storage.close();
  const source = unsealSource(material);
  emit(
    json,
    {
      dataDir: config.dataDir,
      backend: backendName(config),
      alreadyInitialized: true,
      unseal: unsealKind(material),
    },
    `already initialised: ${config.dataDir} (${backendLabel(config)}, unsealed by ${source}); nothing changed`,
  );
}

function backendName(config: KeywardConfig): "postgres" | "sqlite" {
  return config.db?.startsWith("postgres") ? "postgres" : "sqlite";
}

function unsealKind(material: UnsealMaterial): "passphrase" | "key-file" | "shares" {
  if ("shares" in material || "sharesFile" in material) return "shares";
  return "passphrase" in material ? "passphrase" : "key-file";
}

async function runInit(cmd: Command, flags: ShareFlags): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const config = resolveConfig({ data: g.data, db: g.db, keyFile: g.keyFile });
  const split = shareSplitFromFlags(flags);
  let material = explicitMaterial(g, process.env);
  if (split) {
    if (material)
      throw new KeywardError("invalid_input", "--shares replaces KEYWARD_PASSPHRASE / --key-file: give one");
    if (await isStoreInitialized({ db: config.db, dataDir: config.dataDir }))
      throw new KeywardError(
        "already_exists",
        `${config.dataDir} is already initialised; nothing was changed`,
      );
    return initWithShares(config, split, g.json);
  }
  // Checked before anything is written: a refused init leaves no key file and no directory behind.
  if (await isStoreInitialized({ db: config.db, dataDir: config.dataDir }))
    return reportExisting(config, material ?? config.unseal, g.json);
  const createdDir = !existsSync(config.dataDir);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let createdKeyFile: string | undefined;
  const keyPath = join(config.dataDir, INIT_KEY_FILE);
  if (!material) {
    // An existing key file is reused, never replaced: it may be the only way into an existing store.
    if (!existsSync(keyPath)) {
      writeFileSync(keyPath, newKeyFileContent(), { mode: 0o600, flag: "wx" });
      createdKeyFile = keyPath;
    }
    material = { keyFile: keyPath };
  }
  try {
    await initializeStorage({ db: config.db, dataDir: config.dataDir, unseal: material });
  } catch (err) {
    // Lost a race with another init, or the database refused: undo what this run wrote.
    if (createdKeyFile) rmSync(createdKeyFile, { force: true });
    if (createdDir) rmSync(config.dataDir, { recursive: true, force: true });
    throw err;
  }
  const unseal = unsealKind(material);
  const lines = [`initialised ${config.dataDir} (${backendLabel(config)}, unsealed by ${unseal})`];
  if (createdKeyFile)
    lines.push(
      `generated unseal key file ${createdKeyFile} (mode 0600): back it up and keep it apart from the database`,
    );
  emit(
    g.json,
    {
      dataDir: config.dataDir,
      backend: backendName(config),
      unseal,
      ...(createdKeyFile ? { keyFile: createdKeyFile } : {}),
    },
    lines.join("\n"),
  );
}

/** `init --shares N --threshold K`: a random unseal key split N/K; the shares are printed once, stored nowhere. */
async function initWithShares(config: KeywardConfig, split: ShareSplit, json?: boolean): Promise<void> {
  const createdDir = !existsSync(config.dataDir);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const shares = await newUnsealShares(split);
  try {
    try {
      await initializeStorage({ db: config.db, dataDir: config.dataDir, unseal: { shares, split } });
    } catch (err) {
      if (createdDir) rmSync(config.dataDir, { recursive: true, force: true });
      throw err;
    }
    const head = `initialised ${config.dataDir} (${backendLabel(config)}, unsealed by ${split.threshold} of ${split.shares} key shares)`;
    emit(
      json,
      {
        dataDir: config.dataDir,
        backend: backendName(config),
        unseal: "shares",
        ...split,
        keyShares: shareStrings(shares),
      },
      [head, ...shareLines(shares, split)].join("\n"),
    );
  } finally {
    wipe(...shares);
  }
}

/** New unseal material for `rekey`: key shares (--shares/--threshold), KEYWARD_NEW_PASSPHRASE or --new-key-file. */
async function newMaterial(
  opts: { newKeyFile?: string } & ShareFlags,
  env: NodeJS.ProcessEnv,
): Promise<UnsealMaterial> {
  const split = shareSplitFromFlags(opts);
  const given = [split, opts.newKeyFile, env.KEYWARD_NEW_PASSPHRASE || undefined].filter(
    (v) => v !== undefined,
  );
  if (given.length > 1)
    throw new KeywardError(
      "invalid_input",
      "rekey takes one of --shares, --new-key-file, KEYWARD_NEW_PASSPHRASE",
    );
  if (split) return { shares: await newUnsealShares(split), split };
  if (opts.newKeyFile) return { keyFile: resolve(opts.newKeyFile) };
  if (env.KEYWARD_NEW_PASSPHRASE) return { passphrase: env.KEYWARD_NEW_PASSPHRASE };
  throw new KeywardError(
    "invalid_input",
    "rekey needs --shares N --threshold K, KEYWARD_NEW_PASSPHRASE or --new-key-file",
  );
}

/** `rekey`: the current material (key shares from stdin on a key-share store), the keyring re-wrapped under `next`. */
async function runRekey(cmd: Command, opts: { newKeyFile?: string } & ShareFlags): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  let config = commandConfig(cmd);
  const mode = await storeUnsealMode(config);
  let current: Uint8Array[] = [];
  if (mode?.kind === "shares" && !config.unseal) {
    current = await readShares(mode.threshold, "rekey of a key-share store");
    config = { ...config, unseal: { shares: current } };
  }
  const next = await newMaterial(opts, process.env);
  try {
    const storage = await openConfiguredStorage(config);
    try {
      await rotateStorageRootKey(storage, next);
    } finally {
      await storage.close();
    }
    const done = "root key rotated: the old unseal material no longer opens this store";
    if ("split" in next && next.split) {
      emit(
        g.json,
        { rekeyed: true, unseal: "shares", ...next.split, keyShares: shareStrings(next.shares) },
        [done, ...shareLines(next.shares, next.split)].join("\n"),
      );
    } else emit(g.json, { rekeyed: true, unseal: unsealKind(next) }, done);
  } finally {
    wipe(...current);
    if ("shares" in next) wipe(...next.shares);
  }
}

/** Registers `init` and `rekey`. */
export function registerInitCommands(program: Command): void {
  program
    .command("init")
    .description(
      "create the data dir and the sealed keyring (unseal: KEYWARD_PASSPHRASE, --key-file, --shares N --threshold K, or a generated <data>/unseal.key); never overwrites",
    )
    .option(
      "--shares <n>",
      "split a random unseal key into N key shares (2…255), printed once, stored nowhere",
    )
    .option("--threshold <k>", "key shares needed to unseal (2…N)")
    .action(async (opts: ShareFlags, cmd: Command) => runInit(cmd, opts));

  program
    .command("rekey")
    .description(
      "rotate the root key: re-wrap the keyring under new key shares (--shares/--threshold), KEYWARD_NEW_PASSPHRASE or --new-key-file; a key-share store reads K current shares from stdin (or KEYWARD_UNSEAL_SHARES_FILE)",
    )
    .option("--new-key-file <path>", "new unseal key file (64 hex characters)")
    .option("--shares <n>", "re-split: N new key shares (2…255), printed once; the old shares stop working")
    .option("--threshold <k>", "new key shares needed to unseal (2…N)")
    .action(async (opts: { newKeyFile?: string } & ShareFlags, cmd: Command) => runRekey(cmd, opts));
}
