// `keyward delegations …`: grant, revoke, import, check, history, validate, snapshot; proofs in delegations-proofs.ts.
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { normalizeId } from "../../service/delegation-inputs.js";
import { isParquetFile } from "../../service/dsnp-batches.js";
import { isJson } from "../context.js";
import { emit } from "../io.js";
import { parseListFlag } from "../parse.js";
import { progressBar } from "../progress.js";
import { type Ids, id, keyOptions, position, warn, withDelegations } from "./delegations-common.js";
import { frequencyFormat, type ImportFlags, importFrequency } from "./delegations-frequency.js";
import { fileSink, fileSize, readChunks, reportImport } from "./delegations-io.js";
import {
  compactOnly,
  frequencyCheck,
  type ParquetValidateFlags,
  parquetValidateOptions,
  refuseParquetFlags,
  semanticsHelp,
  validateParquet,
} from "./delegations-parquet.js";
import { registerDelegationProofCommands } from "./delegations-proofs.js";

/** `grant`: grant scopes from position --at. */
function delegationsGrantCommand(dg: Command): void {
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
}

/** `revoke`: revoke scopes (or the whole delegation) at --at. */
function delegationsRevokeCommand(dg: Command): void {
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
}

/** `import`: import NDJSON events or a Frequency dump; any bad line applies nothing; re-run to resume. */
function delegationsImportCommand(dg: Command): void {
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
      await reportImport(bar, cmd, () =>
        withDelegations(cmd, (d) =>
          d.importEvents({
            open: () => readChunks(file),
            size,
            onProgress: (phase, bytes) => bar.advance(bytes, phase),
            onWarning: warn,
            ...(batchSize === undefined ? {} : { batchSize }),
          }),
        ),
      );
    });
}

/** `check`: was the provider allowed to act for the delegator at --at?. */
function delegationsCheckCommand(dg: Command): void {
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
}

/** `history`: every validity interval of a delegation. */
function delegationsHistoryCommand(dg: Command): void {
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
}

/** `validate`: check every row of a CSV/NDJSON file, or of a DSNP batch (Parquet) for --provider at --at. */
function delegationsValidateCommand(dg: Command): void {
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
}

/** `snapshot`: store a snapshot of the index: later commands load it and replay only newer events. */
function delegationsSnapshotCommand(dg: Command): void {
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
          ? `snapshot at seq ${out.seq}: ${out.bytes} bytes (${out.file === undefined ? `${out.chunks} chunks` : out.file}) in ${out.ms} ms`
          : `not written: a snapshot at a later seq (${out.seq}) is already stored`,
      );
    });
}

/** Registers `delegations` and its subcommands. */
export function registerDelegationCommands(program: Command): void {
  const dg = program
    .command("delegations")
    .description("delegations with full history: exact point-in-time checks, batch validation, proofs");
  delegationsGrantCommand(dg);
  delegationsRevokeCommand(dg);
  delegationsImportCommand(dg);
  delegationsCheckCommand(dg);
  delegationsHistoryCommand(dg);
  delegationsValidateCommand(dg);
  delegationsSnapshotCommand(dg);
  registerDelegationProofCommands(dg);
}
