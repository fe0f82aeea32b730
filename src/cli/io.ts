// CLI output and failure handling: one result line (or JSON), errors as `error <code>: <message>`, exit codes.
import { appendFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Command, CommanderError } from "commander";
import { errorCodeInfo } from "../errors/codes.js";
import { describeCause, newErrorId } from "../errors/internal.js";
import { toPublicError } from "../errors/keyward-error.js";

/** Flags every command honours. */
export interface GlobalOptions {
  data?: string;
  db?: string;
  keyFile?: string;
  json?: boolean;
}

/** Where a failure happened: the command commander was running and what it wrote to stderr. */
export interface FailureContext {
  readonly command: Command;
  readonly commanderOutput: string;
}

/** The log file in the data dir that receives the cause of every internal CLI error. */
export const ERROR_LOG_FILE = "errors.log";

/** Writes a command result: JSON with --json (or when `human` is absent), else the human text. */
export function emit(json: boolean | undefined, value: unknown, human?: string): void {
  if (json || human === undefined) process.stdout.write(`${JSON.stringify(value)}\n`);
  else process.stdout.write(human.endsWith("\n") ? human : `${human}\n`);
}

/** "keyward delegations check": the full name of a command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** A usage error as one line plus a hint (exit 2); `choices` lists the subcommands when one is missing. */
export function reportUsage(
  json: boolean | undefined,
  message: string,
  path: string,
  choices: readonly string[] = [],
): number {
  const text = choices.length > 0 ? `${message} (one of: ${choices.join(", ")})` : message;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: "invalid_input", message: text } })}\n`);
  process.stderr.write(`error: ${text}\nhint: run \`${path} --help\` for usage\n`);
  return 2;
}

/** Appends an internal error's cause (redacted) to `<data dir>/errors.log` when that data dir exists. */
function logCause(errorId: string, err: unknown, command: Command | undefined): string | undefined {
  const data = command?.optsWithGlobals<GlobalOptions>().data ?? process.env.KEYWARD_DATA ?? "./.keyward";
  const dir = resolve(data);
  if (!existsSync(dir)) return undefined;
  const file = join(dir, ERROR_LOG_FILE);
  const line = { time: new Date().toISOString(), errorId, command: command && commandPath(command) };
  try {
    appendFileSync(file, `${JSON.stringify({ ...line, cause: describeCause(err) })}\n`, { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Reports a failure and returns the exit code: 2 for bad usage/input, 1 for a refusal. An unexpected error
 * prints a generic message with an error id and a hint; its cause (redacted) goes to the data dir's
 * errors.log, and to stderr with KEYWARD_DEBUG=1. Never a stack trace or a secret by default.
 */
export function reportError(err: unknown, json: boolean | undefined, ctx?: FailureContext): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return 0; // --help
    const cmd = ctx?.command;
    const path = cmd ? commandPath(cmd) : "keyward";
    if (err.code === "commander.help" && cmd) {
      return reportUsage(
        json,
        `missing command after '${path}'`,
        path,
        cmd.commands.map((c) => c.name()),
      );
    }
    const message = (ctx?.commanderOutput.trim().split("\n")[0] ?? err.message).replace(/^error:\s*/, "");
    return reportUsage(json, message, path);
  }
  const pub = toPublicError(err);
  if (pub.code !== "internal") {
    if (json) process.stdout.write(`${JSON.stringify({ error: pub })}\n`);
    process.stderr.write(`error ${pub.code}: ${pub.message}\n`);
    return errorCodeInfo(pub.code).exit;
  }
  const errorId = newErrorId();
  const logged = logCause(errorId, err, ctx?.command);
  if (json) process.stdout.write(`${JSON.stringify({ error: { ...pub, errorId } })}\n`);
  process.stderr.write(`error internal: internal error (error id ${errorId})\n`);
  if (process.env.KEYWARD_DEBUG) process.stderr.write(`${JSON.stringify(describeCause(err), null, 2)}\n`);
  else
    process.stderr.write(
      `hint: this is a bug or an environment problem; ${logged ? `the cause is in ${logged}; ` : ""}` +
        "run again with KEYWARD_DEBUG=1 to print it\n",
    );
  return errorCodeInfo("internal").exit;
}
