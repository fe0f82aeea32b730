// The index snapshot as one file in the store's derived directory: written before the manifest that names it.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import zlib from "node:zlib";
import { seqKey } from "./event-log.js";

/** zlib's CRC-32 (`zlib.crc32`, Node ≥ 20.15), or undefined on an older Node. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 of `bytes`, or undefined when this Node has no `zlib.crc32` (the snapshot's SHA-256 is then checked). */
export function snapshotCrc32(bytes: Uint8Array): number | undefined {
  return crc32?.(bytes);
}

const FILE_NAME = /^index-(\d{16})-[0-9a-f]{16}\.snap$/;

/** The file name of the snapshot at `seq` with hex `checksum` (two writers of different bytes never share one). */
export function snapshotFileName(seq: number, checksum: string): string {
  return `index-${seqKey(seq)}-${checksum.slice(0, 16)}.snap`;
}

/** True for a name `snapshotFileName` makes (a manifest naming anything else is corrupt). */
export function isSnapshotFileName(name: unknown): name is string {
  return typeof name === "string" && FILE_NAME.test(name);
}

/**
 * Writes `bytes` as `dir/name` durably: a temporary file, fsync, rename, fsync of the directory, so the name
 * exists only with all of its bytes, before any manifest names it (a crash leaves at most an unnamed file).
 */
export function writeSnapshotFile(dir: string, name: string, bytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  const d = openSync(dir, "r");
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}

/**
 * The bytes of `dir/name` in a buffer of their own (the decoded index takes views of it: a small file's bytes
 * in Node's shared Buffer pool are copied out), or undefined when the file does not exist.
 */
export async function readSnapshotFile(dir: string, name: string): Promise<Uint8Array | undefined> {
  try {
    const b = await readFile(join(dir, name));
    if (b.byteOffset !== 0 || b.buffer.byteLength !== b.length) return new Uint8Array(b);
    return new Uint8Array(b.buffer, 0, b.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Removes `dir/name` if it exists. Best effort: a file left behind is only space (removed by a later write). */
export function removeSnapshotFile(dir: string, name: string): void {
  try {
    rmSync(join(dir, name), { force: true });
  } catch {
    // left for removeOlderSnapshotFiles on the next write
  }
}

/**
 * Removes the snapshot files of positions below `seq` (replaced ones; a concurrent writer of a later position
 * keeps its file) and this process's leftover temporary files. Best effort: a file left behind is only space.
 */
export function removeOlderSnapshotFiles(dir: string, seq: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = FILE_NAME.exec(name);
    const stale = m ? Number(m[1]) < seq : name.endsWith(`.${process.pid}.tmp`);
    if (stale) removeSnapshotFile(dir, name);
  }
}
