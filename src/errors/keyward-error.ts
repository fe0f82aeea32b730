// The single base error type: a stable code plus a message that never carries a secret.
import { type ErrorCode, errorCodeInfo } from "./codes.js";
import { InputRangeError, InputTypeError } from "./input-errors.js";

/**
 * Base error for every refusal keyward reports. `code` is stable and documented; `message` names the
 * field or rule and never contains secret material.
 *
 * @example
 * throw new KeywardError("not_found", "partition 'acme' does not exist");
 */
export class KeywardError extends Error {
  readonly code: ErrorCode;
  /** Optional non-secret structured details (e.g. the migration that consumed a token). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "KeywardError";
    this.code = code;
    this.details = details;
  }

  /** HTTP status for this error (from the one code table). */
  get httpStatus(): number {
    return errorCodeInfo(this.code).http;
  }

  /** CLI exit code for this error (from the one code table). */
  get exitCode(): 1 | 2 {
    return errorCodeInfo(this.code).exit;
  }
}

/** True when `value` is a KeywardError (also across module copies). */
export function isKeywardError(value: unknown): value is KeywardError {
  return value instanceof KeywardError;
}

/**
 * Maps any thrown value to a public `{ code, message }`. Input assertion errors (InputTypeError,
 * InputRangeError) become `invalid_input` (their messages name the parameter and never hold secrets);
 * anything else becomes a generic `internal` error with no details.
 */
export function toPublicError(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof KeywardError) return { code: err.code, message: err.message };
  if (err instanceof InputTypeError || err instanceof InputRangeError)
    return { code: "invalid_input", message: err.message };
  return { code: "internal", message: "internal error" };
}
