// Input and output helpers of `keyward delegate cosigner`: the wired delegates service, JSON inputs, hex rows, the summary line.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { createCustody } from "../../service/custody.js";
import { type CosignerInfo, createDelegates, type Delegates } from "../../service/delegates.js";
import { hexToBytes } from "../../service/primitives.js";
import { CLI_ACTOR, withStorage } from "../context.js";
import { readStdin } from "./delegate-io.js";

/** The delegates domain with custody wired in as the source of custody-derived shares. */
export function withCosigners<T>(cmd: Command, fn: (d: Delegates) => Promise<T>): Promise<T> {
  return withStorage(cmd, async (storage) => {
    const custody = await createCustody(storage, { actor: CLI_ACTOR });
    try {
      return await fn(await createDelegates(storage, { audit: custody.audit, custody: custody.custody }));
    } finally {
      custody.close();
    }
  });
}

/** Reads a JSON input file (`-` = stdin). Errors name the flag, never the content. */
export async function readJson(path: string, flag: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = path === "-" ? new TextDecoder().decode(await readStdin()) : readFileSync(path, "utf8");
  } catch {
    throw new InputRangeError(`${flag}: cannot read file ${path}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InputRangeError(`${flag} must hold a JSON object`);
}

/** A JSON array of arrays of hex strings (per message, per signer) as bytes. */
export function rows(value: unknown, name: string): Uint8Array[][] {
  if (!Array.isArray(value)) throw new InputRangeError(`${name} must be an array (one entry per message)`);
  return value.map((row, m) => {
    const r = Array.isArray(row) ? row : [row];
    return r.map((h, j) => {
      if (typeof h !== "string") throw new InputRangeError(`${name}[${m}][${j}] must be a hex string`);
      return hexToBytes(h, `${name}[${m}][${j}]`);
    });
  });
}

export function describe(c: CosignerInfo): string {
  const share =
    c.share.kind === "imported"
      ? `secret ${c.share.name}`
      : `custody ${c.share.partition}/${c.share.identity}`;
  return [
    `${c.id}  delegate ${c.delegate}  share ${share}`,
    `  aggregate key ${c.aggregateKey}  (${c.participants.length} signers, this one #${c.signerIndex})`,
    `  ${c.messages.length} message(s); round ${c.round}/${c.maxRounds}; expires ${c.expiresAt}`,
    ...c.rounds.map((r) => `  round ${r.round}: ${r.state}${r.abortedReason ? ` (${r.abortedReason})` : ""}`),
  ].join("\n");
}
