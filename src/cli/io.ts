// CLI output and failure handling: one result line (or JSON), errors as `error <code>: <message>`, exit codes.
import { CommanderError } from "commander";
import { errorCodeInfo } from "../errors/codes.js";
import { toPublicError } from "../errors/keyward-error.js";

/** Flags every command honours. */
export interface GlobalOptions {
  data?: string;
  db?: string;
  keyFile?: string;
  json?: boolean;
}

/** Writes a command result: JSON with --json (or when `human` is absent), else the human text. */
export function emit(json: boolean | undefined, value: unknown, human?: string): void {
  if (json || human === undefined) process.stdout.write(`${JSON.stringify(value)}\n`);
  else process.stdout.write(human.endsWith("\n") ? human : `${human}\n`);
}

/**
 * Reports a failure and returns the exit code: 2 for bad usage/input, 1 for a refusal. Unknown errors are
 * reported as a generic internal error with no details (no stack trace, no secret).
 */
export function reportError(err: unknown, json: boolean | undefined): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return 0; // --help / --version
    // commander already printed its one-line usage message on stderr; --json callers also get the body.
    if (json) {
      const message = err.message.replace(/^error:\s*/, "");
      process.stdout.write(`${JSON.stringify({ error: { code: "invalid_input", message } })}\n`);
    }
    return 2;
  }
  const pub = toPublicError(err);
  if (pub.code === "internal" && process.env.KEYWARD_DEBUG) console.error(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: pub })}\n`);
  process.stderr.write(`error ${pub.code}: ${pub.message}\n`);
  return errorCodeInfo(pub.code).exit;
}
