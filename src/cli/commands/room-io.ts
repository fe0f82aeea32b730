// Input helpers of the `keyward room` commands: seed and text files, flags, and the wired rooms service.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { createCustody } from "../../service/custody.js";
import { bytesToHex, hexToBytes, Secret, wipe } from "../../service/primitives.js";
import { createRooms, type RiverRooms, type RoomsService } from "../../service/rooms.js";
import { CLI_ACTOR, withStorage } from "../context.js";
import { parseHexFlag, readFileFlag } from "../parse.js";

/** Reads a seed file: 64 hex characters (surrounding whitespace allowed), as a Secret. */
export function readSeedFile(path: string | undefined, flag: string): Secret {
  const raw = readFileFlag(path, flag);
  const text = new TextDecoder().decode(raw).trim();
  wipe(raw);
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new InputRangeError(`${flag} must hold 64 hex characters`);
  return Secret.adopt(hexToBytes(text, flag, 32));
}

export function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new InputRangeError(`${flag}: cannot read file ${path}`);
  }
}

export async function withRooms<T>(
  cmd: Command,
  fn: (rooms: RoomsService, river: RiverRooms) => Promise<T>,
): Promise<T> {
  return withStorage(cmd, async (storage) => {
    // Custody lends owner keys for rooms created with --owner-partition/--owner-identity.
    const custody = await createCustody(storage, { actor: CLI_ACTOR });
    const wired = createRooms(storage, { custody: custody.custody });
    try {
      return await fn(wired.rooms, wired.river);
    } finally {
      await wired.close();
      custody.close();
    }
  });
}

/** `--format`: keyward's canonical JSON export (default) or River's ChatRoomStateV1 CBOR. */
export function formatFlag(value: string | undefined): "keyward" | "river" {
  if (value === undefined || value === "keyward" || value === "river") return value ?? "keyward";
  throw new InputRangeError('--format must be "keyward" or "river"');
}

export function memberFlag(value: string | undefined): string {
  return bytesToHex(parseHexFlag(value, "--member", 32));
}
