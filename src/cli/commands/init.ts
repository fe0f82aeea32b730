// `keyward init` (new data dir + sealed keyring) and `keyward rekey` (root-key rotation).
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import { type KeywardConfig, resolveConfig } from "../../service/config.js";
import { openConfiguredStorage, unsealSource } from "../../service/open.js";
import {
  initializeStorage,
  isStoreInitialized,
  resolveDbUrl,
  rotateStorageRootKey,
} from "../../store/open.js";
import type { UnsealMaterial } from "../../store/sealing/root-key.js";
import { newKeyFileContent } from "../../store/sealing/unseal.js";
import { withStorage } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";

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

function unsealKind(material: UnsealMaterial): "passphrase" | "key-file" {
  return "passphrase" in material ? "passphrase" : "key-file";
}

async function runInit(cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const config = resolveConfig({ data: g.data, db: g.db, keyFile: g.keyFile });
  let material = explicitMaterial(g, process.env);
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

/** New unseal material for `rekey`: KEYWARD_NEW_PASSPHRASE or --new-key-file. */
function newMaterial(opts: { newKeyFile?: string }, env: NodeJS.ProcessEnv): UnsealMaterial {
  if (opts.newKeyFile) return { keyFile: resolve(opts.newKeyFile) };
  if (env.KEYWARD_NEW_PASSPHRASE) return { passphrase: env.KEYWARD_NEW_PASSPHRASE };
  throw new KeywardError("invalid_input", "rekey needs KEYWARD_NEW_PASSPHRASE or --new-key-file");
}

/** Registers `init` and `rekey`. */
export function registerInitCommands(program: Command): void {
  program
    .command("init")
    .description(
      "create the data dir and the sealed keyring (unseal: KEYWARD_PASSPHRASE, --key-file, or a generated <data>/unseal.key); never overwrites",
    )
    .action(async (_opts: unknown, cmd: Command) => runInit(cmd));

  program
    .command("rekey")
    .description("rotate the root key: re-wrap the keyring under KEYWARD_NEW_PASSPHRASE or --new-key-file")
    .option("--new-key-file <path>", "new unseal key file (64 hex characters)")
    .action(async (opts: { newKeyFile?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const next = newMaterial(opts, process.env);
      await withStorage(cmd, (storage) => rotateStorageRootKey(storage, next));
      emit(
        g.json,
        { rekeyed: true, unseal: "passphrase" in next ? "passphrase" : "key-file" },
        "root key rotated: the old unseal material no longer opens this store",
      );
    });
}
