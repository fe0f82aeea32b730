// Shared CLI plumbing for app/delegate commands: seed files, stdin, and the wired delegates domain.

import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { createDelegates, type Delegates } from "../../service/delegates.js";
import { bytesToHex, hexToBytes, Secret, wipe } from "../../service/primitives.js";
import { withStorage } from "../context.js";

/**
 * Reads a seed file (32-byte Ed25519 seed as 64 hex characters, surrounding whitespace ignored).
 * Errors name the flag, never the content.
 */
export function readSeedFile(path: string | undefined, flag: string): Secret {
  if (path === undefined) throw new InputRangeError(`${flag} is required`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InputRangeError(`${flag}: cannot read file ${path}`);
  }
  let seed: Uint8Array;
  try {
    seed = hexToBytes(text.trim(), flag, 32);
  } catch {
    throw new InputRangeError(`${flag} must hold a 32-byte seed as 64 hex characters`);
  }
  return Secret.adopt(seed);
}

/**
 * Writes a seed file with mode 0600, refusing to overwrite an existing file (an app key is not replaceable).
 * @throws KeywardError `already_exists`; {RangeError} when the path cannot be written.
 */
export function writeSeedFile(path: string, seed: Secret, flag: string): void {
  const text = seed.use((s) => `${bytesToHex(s)}\n`);
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      throw new KeywardError("already_exists", `${flag}: ${path} exists; refusing to overwrite a key file`);
    throw new InputRangeError(`${flag}: cannot write file ${path}`);
  }
}

/** Reads all of stdin as bytes. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  const out = new Uint8Array(all);
  all.fill(0);
  for (const c of chunks) c.fill(0);
  return out;
}

/** A flag value, or the first line of stdin when the value is "-" (keeps tokens out of the process list). */
export async function flagOrStdin(value: string, flag: string): Promise<string> {
  if (value !== "-") return value;
  const bytes = await readStdin();
  const text = new TextDecoder().decode(bytes).trim();
  wipe(bytes);
  if (!text) throw new InputRangeError(`${flag}: nothing on stdin`);
  return text;
}

/** Runs `fn` with the delegates domain over the configured storage (closed afterwards). */
export function withDelegates<T>(cmd: Command, fn: (d: Delegates) => Promise<T>): Promise<T> {
  return withStorage(cmd, async (storage) => {
    const d = await createDelegates(storage);
    try {
      return await fn(d);
    } finally {
      await d.runtime.close(); // stops WebAssembly workers before the storage closes
    }
  });
}
