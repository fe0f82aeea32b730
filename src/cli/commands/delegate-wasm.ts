// `keyward delegate call` (one ApplicationMessage to a version's WebAssembly) and `delegate river-message`
// (writes a River chat-delegate request payload file for it).

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import {
  type ChatRequest,
  callDelegate,
  type DelegateCallView,
  encodeChatRequest,
} from "../../service/delegate-calls.js";
import { utf8 } from "../../service/primitives.js";
import { CLI_ACTOR } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag, parseIntFlag, readFileFlag } from "../parse.js";
import { readSeedFile, withDelegates } from "./delegate-io.js";

const RIVER_TYPES = [
  "store",
  "get",
  "delete",
  "list",
  "store-signing-key",
  "get-public-key",
  "sign",
] as const;

function human(v: DelegateCallView): string {
  if (v.messages.length === 0) return "no outbound messages";
  return v.messages
    .map((m) => {
      const decoded = m.decoded === undefined ? "" : `\n  ${JSON.stringify(m.decoded)}`;
      return `${m.type}${m.payload ? ` ${m.payload}` : ""}${m.target ? ` → ${m.target}` : ""}${decoded}`;
    })
    .join("\n");
}

interface RiverOpts {
  key?: string;
  valueHex?: string;
  room?: string;
  seedFile?: string;
  requestId?: string;
  messageHex?: string;
  out: string;
}

function riverRequest(type: string, o: RiverOpts): ChatRequest {
  const need = (v: string | undefined, flag: string): string => {
    if (v === undefined) throw new InputRangeError(`${flag} is required for ${type}`);
    return v;
  };
  const room = (): Uint8Array => parseHexFlag(need(o.room, "--room"), "--room", 32);
  switch (type) {
    case "store":
      return {
        type: "StoreRequest",
        key: utf8(need(o.key, "--key")),
        value: parseHexFlag(need(o.valueHex, "--value-hex"), "--value-hex"),
      };
    case "get":
      return { type: "GetRequest", key: utf8(need(o.key, "--key")) };
    case "delete":
      return { type: "DeleteRequest", key: utf8(need(o.key, "--key")) };
    case "list":
      return { type: "ListRequest" };
    case "store-signing-key": {
      const seed = readSeedFile(need(o.seedFile, "--seed-file"), "--seed-file");
      return { type: "StoreSigningKey", roomKey: room(), signingKey: seed.expose() };
    }
    case "get-public-key":
      return { type: "GetPublicKey", roomKey: room() };
    case "sign":
      return {
        type: "SignMessage",
        roomKey: room(),
        requestId: BigInt(parseIntFlag(o.requestId ?? "1", "--request-id", 0, Number.MAX_SAFE_INTEGER)),
        message: parseHexFlag(need(o.messageHex, "--message-hex"), "--message-hex"),
      };
    default:
      throw new InputRangeError(`request type must be one of ${RIVER_TYPES.join(", ")}`);
  }
}

/** Registers `delegate call` and `delegate river-message`. */
export function registerDelegateWasmCommands(delegate: Command): void {
  delegate
    .command("call")
    .description("send one ApplicationMessage to a version's WebAssembly; prints its outbound payloads")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .option("--origin <hex>", "sender: the web app's contract instance id, 64 hex (River requires one)")
    .requiredOption(
      "--message-file <file>",
      "the ApplicationMessage payload (e.g. from `delegate river-message`)",
    )
    .action(async (opts: { delegate: string; origin?: string; messageFile: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const payload = readFileFlag(opts.messageFile, "--message-file");
      if (opts.origin !== undefined) parseHexFlag(opts.origin, "--origin", 32);
      const v = await withDelegates(cmd, (d) =>
        callDelegate(
          d,
          opts.delegate,
          { ...(opts.origin ? { origin: opts.origin } : {}), payload },
          CLI_ACTOR,
        ),
      );
      emit(g.json, v, human(v));
    });

  delegate
    .command("river-message")
    .description(`write a River chat-delegate request (ciborium CBOR) to --out: ${RIVER_TYPES.join(" | ")}`)
    .argument("<type>", RIVER_TYPES.join(" | "))
    .option("--key <text>", "storage key (store, get, delete)")
    .option("--value-hex <hex>", "value to store (store)")
    .option("--room <hex>", "room owner's verifying key, 64 hex (store-signing-key, get-public-key, sign)")
    .option("--seed-file <file>", "the room signing key: 32-byte seed as 64 hex (store-signing-key)")
    .option("--request-id <n>", "correlation id (sign; default 1)")
    .option("--message-hex <hex>", "bytes to sign (sign)")
    .requiredOption("--out <file>", "payload file to write")
    .action((type: string, opts: RiverOpts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const request = riverRequest(type, opts);
      const bytes = encodeChatRequest(request);
      if (request.type === "StoreSigningKey") request.signingKey.fill(0);
      try {
        writeFileSync(opts.out, bytes, { mode: 0o600 });
      } catch {
        throw new InputRangeError(`--out: cannot write file ${opts.out}`);
      } finally {
        bytes.fill(0);
      }
      emit(g.json, { type: request.type, bytes: bytes.length, out: opts.out }, opts.out);
    });
}
