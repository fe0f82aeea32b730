// Key shares on the CLI: --shares/--threshold flags, printing new shares once, reading shares from stdin or a prompt.

import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import {
  encodeShare,
  parseShare,
  parseSharesText,
  type ShareSplit,
  validateShareSplit,
} from "../../service/key-shares.js";
import { wipe } from "../../service/primitives.js";

/** `--shares N --threshold K` as given (strings from commander). */
export interface ShareFlags {
  readonly shares?: string;
  readonly threshold?: string;
}

function intFlag(text: string, flag: string): number {
  if (!/^\d{1,3}$/.test(text.trim())) throw new InputRangeError(`${flag} must be an integer 2…255`);
  return Number(text.trim());
}

/**
 * The split the flags ask for, or undefined when neither is given.
 * @throws {RangeError} naming the flag: one without the other, not an integer, or not 2 ≤ K ≤ N ≤ 255.
 */
export function shareSplitFromFlags(flags: ShareFlags): ShareSplit | undefined {
  if (flags.shares === undefined && flags.threshold === undefined) return undefined;
  if (flags.shares === undefined) throw new InputRangeError("--threshold needs --shares");
  if (flags.threshold === undefined) throw new InputRangeError("--shares needs --threshold");
  return validateShareSplit(
    { shares: intFlag(flags.shares, "--shares"), threshold: intFlag(flags.threshold, "--threshold") },
    { shares: "--shares", threshold: "--threshold" },
  );
}

/** The lines that show new shares once: one per line with its index (`share 2 of 5: <hex>`). */
export function shareLines(shares: readonly Uint8Array[], split: ShareSplit): string[] {
  return [
    `${split.shares} key shares, any ${split.threshold} of which unseal (printed once, stored nowhere: hand each to a different person):`,
    ...shares.map((s, i) => `share ${i + 1} of ${split.shares}: ${encodeShare(s)}`),
  ];
}

/** The JSON form of new shares: hex strings in order. */
export function shareStrings(shares: readonly Uint8Array[]): string[] {
  return shares.map((s) => encodeShare(s));
}

/** Reads a whole stream as UTF-8 text, zeroing the chunks it read (shares pass through here). */
export async function readAllText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  const text = Buffer.concat(chunks).toString("utf8");
  for (const c of chunks) c.fill(0);
  return text;
}

/** Reads one line from the terminal without echoing it (a share typed or pasted at a prompt). */
export function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let text = "";
    const done = (err?: Error) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003" || ch === "\u0004")
          return done(new KeywardError("invalid_input", "no share entered"));
        if (ch === "\u007f") text = text.slice(0, -1);
        else text += ch;
      }
    };
    input.setRawMode?.(true);
    input.resume();
    input.on("data", onData);
  });
}

/**
 * `count` shares from stdin (one a line; `share i of n:` labels allowed) or, on a terminal, from hidden prompts.
 * Never from argv, which other users can read in `ps`.
 * @throws {RangeError} for a malformed share; KeywardError `invalid_input` when fewer than `count` arrive.
 */
export async function readShares(count: number, purpose: string): Promise<Uint8Array[]> {
  if (!process.stdin.isTTY) {
    const shares = parseSharesText(await readAllText(process.stdin));
    if (shares.length < count) {
      wipe(...shares);
      throw new KeywardError("invalid_input", `${purpose} needs ${count} key shares on stdin, one a line`);
    }
    return shares;
  }
  const out: Uint8Array[] = [];
  try {
    for (let i = 1; i <= count; i++) out.push(parseShare(await promptHidden(`key share ${i} of ${count}: `)));
  } catch (err) {
    wipe(...out);
    throw err;
  }
  return out;
}
