// `keyward delegations validate FILE.parquet --provider P --at N [--intent I]`: DSNP batch files, and the
// `--semantics` flag shared with `check` (Frequency's inclusive reading vs keyward's half-open one).
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import {
  type DelegationId,
  normalizeId,
  parsePosition,
  parseSemantics,
  type Semantics,
} from "../../service/delegation-inputs.js";
import type { DelegationsService } from "../../service/delegations.js";
import { validateDsnpFile } from "../../service/dsnp-batches.js";
import { isJson } from "../context.js";
import { emit } from "../io.js";
import { type ProgressBar, progressBar } from "../progress.js";
import { fileSink } from "./delegations-io.js";

/** The validate options that only Parquet batches take. */
export interface ParquetValidateFlags {
  readonly out?: string;
  readonly progress?: boolean;
  readonly provider?: string;
  readonly at?: string;
  readonly intent?: string;
  readonly semantics?: string;
}

/** Adds the Parquet-only options to `delegations validate`. */
export function parquetValidateOptions(c: Command): Command {
  return c
    .option("--provider <id>", "Parquet: the provider that published the batch (required for Parquet)")
    .option("--at <n>", "Parquet: the announcement's block number (required for Parquet)")
    .option("--intent <id>", "Parquet: intent (schema) id the rows need (default: any scope)")
    .option("--semantics <s>", semanticsHelp);
}

/** Help text of every `--semantics` option. */
export const semanticsHelp =
  "keyward (revoked at X: invalid at X) or frequency (valid through X); default: frequency for providers imported with --format frequency";

/** The `--semantics` value, if given. */
export function semanticsFlag(value: string | undefined): Semantics | undefined {
  return value === undefined ? undefined : parseSemantics(value, "--semantics");
}

/**
 * `check` under Frequency's reading when `--semantics frequency` is given or the provider's history came from a
 * Frequency import (and no `--semantics keyward`); undefined when keyward's own reading applies.
 */
export async function frequencyCheck(
  d: DelegationsService,
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
  at: number,
  flag: string | undefined,
) {
  return d.readingCheck(delegator, provider, scope, at, semanticsFlag(flag));
}

/** The compact view's verdict alone (for `check --compact` under Frequency's reading). */
export function compactOnly(
  d: DelegationsService,
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
  at: number,
) {
  return { compact: d.compare(delegator, provider, scope, at).compact };
}

/** Refuses Parquet-only flags on a CSV/NDJSON validation (they would silently do nothing there). */
export function refuseParquetFlags(o: ParquetValidateFlags): void {
  for (const [flag, v] of [
    ["--provider", o.provider],
    ["--at", o.at],
    ["--intent", o.intent],
    ["--semantics", o.semantics],
  ] as const)
    if (v !== undefined)
      throw new InputRangeError(`${flag} is for Parquet batch files; CSV/NDJSON rows carry their own`);
}

const required = (value: string | undefined, flag: string): string => {
  if (value === undefined) throw new InputRangeError(`${flag} is required for a Parquet batch file`);
  return value;
};

/** Runs the Parquet validation of `file` and prints its summary. */
export async function validateParquet(
  d: DelegationsService,
  file: string,
  o: ParquetValidateFlags,
  cmd: Command,
): Promise<void> {
  const provider: DelegationId = normalizeId(required(o.provider, "--provider"), "--provider");
  const at = parsePosition(required(o.at, "--at").trim(), "--at");
  const intent = o.intent === undefined ? undefined : normalizeId(o.intent, "--intent");
  const semantics = semanticsFlag(o.semantics);
  // --out is created only once the file is known to be a DSNP batch: a refused file leaves nothing behind.
  let sink: ReturnType<typeof fileSink> | undefined;
  let bar: ProgressBar | undefined;
  try {
    const summary = await validateDsnpFile(d, file, {
      provider,
      at,
      ...(intent === undefined ? {} : { intent }),
      ...(semantics === undefined ? {} : { semantics }),
      ...(o.out === undefined ? {} : { write: (c: string) => sink!.write(c) }),
      onOpen: (rows) => {
        if (o.out !== undefined) sink = fileSink(o.out);
        bar = progressBar(rows, "validate", "rows", o.progress);
      },
      onProgress: (rows) => bar?.advance(rows),
    });
    bar?.complete();
    bar?.stop();
    emit(isJson(cmd), summary);
  } finally {
    bar?.stop();
    await sink?.close();
  }
}
