// SQLite and file-system failures mapped to one-line operator errors: which file, and what is wrong with it.
import { KeywardError } from "../../errors/keyward-error.js";

function codeOf(err: unknown): string {
  return typeof err === "object" && err !== null ? String((err as { code?: unknown }).code ?? "") : "";
}

/** The cause of an environment failure in plain words, or undefined for anything else (a bug). */
function causeOf(code: string): string | undefined {
  if (code === "SQLITE_FULL" || code === "ENOSPC") return "the disk is full";
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS") return "the file or its directory is read-only";
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
    return "the file is not a database or is corrupt";
  if (code === "ELOOP") return "the path is a symlink loop";
  if (code === "EACCES" || code === "EPERM" || code.startsWith("SQLITE_PERM")) return "permission denied";
  if (code === "ENOTDIR") return "a part of the path is not a directory";
  if (code.startsWith("SQLITE_CANTOPEN"))
    return "the file cannot be opened (missing directory, permissions or a symlink loop)";
  if (code.startsWith("SQLITE_IOERR")) return "the disk reported an I/O error";
  return undefined;
}

/**
 * The operator error for a database file that cannot be opened, naming the file and the cause; undefined
 * when `err` is not an environment failure (then it is a bug and stays internal).
 */
export function openFailure(err: unknown, path: string): KeywardError | undefined {
  const cause = causeOf(codeOf(err));
  return cause === undefined
    ? undefined
    : new KeywardError("unavailable", `cannot open the SQLite database ${path}: ${cause}`);
}

/**
 * The error for a write the environment refused (disk full, read-only, I/O): `unavailable` (503), without
 * the path, which HTTP clients have no business knowing; undefined for anything else.
 */
export function writeFailure(err: unknown): KeywardError | undefined {
  const cause = causeOf(codeOf(err));
  return cause === undefined
    ? undefined
    : new KeywardError("unavailable", `the database cannot be written: ${cause}`);
}
