// `keyward delegations …`: grant, revoke, import, check, history, validate, snapshot, checkpoint, prove, verify.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import {
  type DelegationId,
  ImportRefusedError,
  normalizeId,
  parsePosition,
} from "../../service/delegation-inputs.js";
import { DelegationsService, storedCheckpointPublicKey } from "../../service/delegations.js";
import { isParquetFile } from "../../service/dsnp-batches.js";
import { configuredStoreMayExist } from "../../service/open.js";
import { commandConfig, isJson, withStorage } from "../context.js";
import { emit } from "../io.js";
import { parseHexFlag, parseListFlag } from "../parse.js";
import { progressBar } from "../progress.js";
import { frequencyFormat, type ImportFlags, importFrequency } from "./delegations-frequency.js";
import { fileSink, fileSize, readChunks } from "./delegations-io.js";
import {
  compactOnly,
  frequencyCheck,
  type ParquetValidateFlags,
  parquetValidateOptions,
  refuseParquetFlags,
  semanticsHelp,
  validateParquet,
} from "./delegations-parquet.js";

type Ids = { delegator: string; provider: string; scope?: string };

const id = (value: string | undefined, flag: string): DelegationId => {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  return normalizeId(value, flag);
};
const position = (value: string | undefined, flag: string): number => {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  return parsePosition(value.trim(), flag);
};

/**
 * Runs `fn` with the delegations service (lazy unseal: only checkpoint/prove touch a secret); a stored index
 * snapshot that could not be used is reported on stderr.
 */
function withDelegations<T>(cmd: Command, fn: (d: DelegationsService) => Promise<T>): Promise<T> {
  return withStorage(
    cmd,
    async (storage) => {
      const d = await DelegationsService.open(storage);
      const o = d.opened;
      if (o.snapshot === "failed")
        process.stderr.write(
          `warning: delegation index snapshot not used (${o.error}); rebuilt from the whole log ` +
            `(${o.replayed} events): run \`keyward delegations snapshot\`\n`,
        );
      return fn(d);
    },
    LAZY,
  );
}
const LAZY = { lazyUnseal: true } as const;

/** Where the service's non-fatal warnings (an index snapshot not written) go: stderr, one line each. */
const warn = (message: string): void => void process.stderr.write(`warning: ${message}\n`);

function keyOptions(c: Command, scope: "required" | "optional" | "list" | "optional-list"): Command {
  c.requiredOption("--delegator <id>", "delegator id (integer ≤ 2^53−1 or string)").requiredOption(
    "--provider <id>",
    "provider id",
  );
  if (scope === "required") return c.requiredOption("--scope <id>", "scope id");
  if (scope === "optional") return c.option("--scope <id>", "scope id (default: every scope)");
  if (scope === "list") return c.requiredOption("--scope <ids>", "scope id or comma-separated ids");
  return c.option("--scope <ids>", "scope ids (default: the whole delegation)");
}

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

/** Registers `delegations` and its subcommands. */
export function registerDelegationCommands(program: Command): void {
  const dg = program
    .command("delegations")
    .description("delegations with full history: exact point-in-time checks, batch validation, proofs");

  keyOptions(dg.command("grant").description("grant scopes from position --at"), "list")
    .requiredOption("--at <n>", "position (block number)")
    .option("--expires-at <n>", "closes at this position (authorized until n−1)")
    .option("--id <id>", "idempotency id: replaying it is a no-op")
    .action(async (o: Ids & { at: string; expiresAt?: string; id?: string }, cmd: Command) => {
      if (o.expiresAt !== undefined && position(o.expiresAt, "--expires-at") <= position(o.at, "--at"))
        throw new InputRangeError("--expires-at must be greater than --at");
      const event = {
        op: "grant",
        delegator: id(o.delegator, "--delegator"),
        provider: id(o.provider, "--provider"),
        scopes: parseListFlag(o.scope, "--scope").map((s) => normalizeId(s, "--scope")),
        at: position(o.at, "--at"),
        ...(o.expiresAt === undefined ? {} : { expiresAt: position(o.expiresAt, "--expires-at") }),
        ...(o.id === undefined ? {} : { id: o.id }),
      };
      const [out] = await withDelegations(cmd, (d) => d.write([event]));
      emit(isJson(cmd), out);
    });

  keyOptions(
    dg.command("revoke").description("revoke scopes (or the whole delegation) at --at"),
    "optional-list",
  )
    .requiredOption("--at <n>", "position (block number)")
    .option("--id <id>", "idempotency id: replaying it is a no-op")
    .action(async (o: Ids & { at: string; id?: string }, cmd: Command) => {
      const event = {
        op: "revoke",
        delegator: id(o.delegator, "--delegator"),
        provider: id(o.provider, "--provider"),
        ...(o.scope === undefined
          ? {}
          : { scopes: parseListFlag(o.scope, "--scope").map((s) => normalizeId(s, "--scope")) }),
        at: position(o.at, "--at"),
        ...(o.id === undefined ? {} : { id: o.id }),
      };
      const [out] = await withDelegations(cmd, (d) => d.write([event]));
      emit(isJson(cmd), out);
    });

  dg.command("import")
    .description("import NDJSON events or a Frequency dump; any bad line applies nothing; re-run to resume")
    .argument("<file>", "NDJSON file (a Frequency msa dump with --format frequency)")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option("--batch-size <n>", "events per transaction (default 16384)")
    .option("--format <fmt>", "ndjson (keyward events, default) or frequency (an msa dump)")
    .action(async (file: string, o: ImportFlags, cmd: Command) => {
      const size = fileSize(file, "FILE");
      const batchSize = o.batchSize === undefined ? undefined : position(o.batchSize, "--batch-size");
      if (batchSize === 0) throw new InputRangeError("--batch-size must be at least 1");
      if (frequencyFormat(o.format))
        return withDelegations(cmd, async (d) => {
          await importFrequency(d, file, o.progress, batchSize, cmd);
          await d.snapshotIfDue(warn);
        });
      const bar = progressBar(size * 2, "import", "bytes", o.progress); // two passes: check, apply
      try {
        const summary = await withDelegations(cmd, (d) =>
          d.importEvents({
            open: () => readChunks(file),
            onProgress: (phase, bytes) => bar.advance(bytes, phase),
            onWarning: warn,
            ...(batchSize === undefined ? {} : { batchSize }),
          }),
        );
        bar.complete(); // a file already imported skips the later passes: the bar still ends at 100%
        bar.stop();
        emit(isJson(cmd), summary);
      } catch (err) {
        bar.stop();
        if (err instanceof ImportRefusedError)
          for (const e of err.errors) process.stderr.write(`line ${e.line}: ${e.code}: ${e.message}\n`);
        throw err;
      }
    });

  keyOptions(
    dg.command("check").description("was the provider allowed to act for the delegator at --at?"),
    "required",
  )
    .requiredOption("--at <n>", "position (block number)")
    .option("--compact", "also show the compact granted_at/revoked_at view's verdict")
    .option("--semantics <s>", semanticsHelp)
    .action(async (o: Ids & { at: string; compact?: boolean; semantics?: string }, cmd: Command) => {
      const at = position(o.at, "--at");
      const args = [
        id(o.delegator, "--delegator"),
        id(o.provider, "--provider"),
        id(o.scope, "--scope"),
      ] as const;
      const out = await withDelegations(cmd, async (d) => {
        const frequency = await frequencyCheck(d, ...args, at, o.semantics);
        if (frequency) return o.compact ? { ...frequency, ...compactOnly(d, ...args, at) } : frequency;
        if (!o.compact) return d.check(...args, at);
        const c = d.compare(...args, at);
        return { ...c.exact, compact: c.compact, differs: c.differs };
      });
      emit(isJson(cmd), out);
    });

  keyOptions(dg.command("history").description("every validity interval of a delegation"), "optional").action(
    async (o: Ids, cmd: Command) => {
      const scope = o.scope === undefined ? undefined : id(o.scope, "--scope");
      const delegator = id(o.delegator, "--delegator");
      const provider = id(o.provider, "--provider");
      const out = await withDelegations(cmd, async (d) =>
        d.history(delegator, provider, scope).map((h) => {
          const last = h.intervals[h.intervals.length - 1];
          return { ...h, compact: { grantedAt: last?.from ?? null, revokedAt: last?.until ?? null } };
        }),
      );
      emit(isJson(cmd), { delegator, provider, keys: out });
    },
  );

  parquetValidateOptions(dg.command("validate"))
    .description("check every row of a CSV/NDJSON file, or of a DSNP batch (Parquet) for --provider at --at")
    .argument(
      "<file>",
      "CSV with header delegator,provider,scope,at — NDJSON rows — or a DSNP batch .parquet",
    )
    .option("--out <file>", "write one NDJSON verdict per row")
    .option("--format <fmt>", "csv, ndjson or parquet (default: Parquet by its magic bytes, else guessed)")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .action(async (file: string, o: ParquetValidateFlags & { format?: string }, cmd: Command) => {
      if (o.format !== undefined && !["csv", "ndjson", "parquet"].includes(o.format))
        throw new InputRangeError("--format must be csv, ndjson or parquet");
      const size = fileSize(file, "FILE");
      if (o.format === "parquet" || (o.format === undefined && (await isParquetFile(file))))
        return withDelegations(cmd, (d) => validateParquet(d, file, o, cmd));
      refuseParquetFlags(o);
      const summary = await withDelegations(cmd, async (d) => {
        const sink = o.out === undefined ? undefined : fileSink(o.out);
        const bar = progressBar(size, "validate", "bytes", o.progress);
        try {
          return await d.validate(readChunks(file), {
            ...(o.format === undefined ? {} : { format: o.format as "csv" | "ndjson" }),
            ...(sink ? { write: (c: string) => sink.write(c) } : {}),
            onProgress: (bytes) => bar.advance(bytes),
          });
        } finally {
          bar.stop();
          await sink?.close();
        }
      });
      emit(isJson(cmd), summary);
    });

  dg.command("snapshot")
    .description("store a snapshot of the index: later commands load it and replay only newer events")
    .action(async (_o: unknown, cmd: Command) => {
      const out = await withDelegations(cmd, async (d) => {
        const t0 = performance.now();
        const r = await d.snapshot();
        return { ...r, ms: Math.round(performance.now() - t0) };
      });
      emit(
        isJson(cmd),
        out,
        out.written
          ? `snapshot at seq ${out.seq}: ${out.bytes} bytes (${out.chunks} chunks) in ${out.ms} ms`
          : `not written: a snapshot at a later seq (${out.seq}) is already stored`,
      );
    });

  dg.command("checkpoint")
    .description("sign a Merkle root over every key's history (the signing key is created on first use)")
    .action(async (_o: unknown, cmd: Command) => {
      const cp = await withDelegations(cmd, (d) => d.checkpoint(warn));
      emit(isJson(cmd), cp);
    });

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
