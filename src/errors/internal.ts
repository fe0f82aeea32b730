// Unexpected failures: an error id the user can quote, and a cause for the operator's log with secrets redacted.
import { randomBytes } from "node:crypto";

/** A short random id for one unexpected failure, e.g. `err_3f9a1c02b7d4`. */
export function newErrorId(): string {
  return `err_${randomBytes(6).toString("hex")}`;
}

// Long hex runs, and long base64/base64url runs mixing upper case and digits (tokens, keys), could be key
// material that reached an error message: never log them. File paths and identifiers stay readable.
const SECRET_LIKE =
  /\b[0-9a-fA-F]{32,}\b|(?=[A-Za-z0-9+_-]*[A-Z])(?=[A-Za-z0-9+_-]*[0-9])[A-Za-z0-9+_-]{32,}={0,2}/g;

/** Removes secret-looking runs (long hex / base64) from a text before it is logged. */
export function redactSecretLike(text: string): string {
  return text.replace(SECRET_LIKE, "[redacted]");
}

/**
 * The cause of an unexpected failure for the operator's log: name, message and stack, with long hex/base64
 * runs redacted (a message may quote a value; the stack frames name only code locations).
 */
export function describeCause(err: unknown): { name: string; message: string; stack?: string } {
  if (!(err instanceof Error)) return { name: typeof err, message: redactSecretLike(String(err)) };
  const out: { name: string; message: string; stack?: string } = {
    name: err.name,
    message: redactSecretLike(err.message),
  };
  if (err.stack) out.stack = redactSecretLike(err.stack);
  return out;
}
