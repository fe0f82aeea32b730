// `keyward delegate session create|schedule|list|show|run`: delegated signing sessions that survive restarts.

import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import type { SessionInfo } from "../../service/delegates.js";
import { utf8 } from "../../service/primitives.js";
import { CLI_ACTOR } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag, parseIntFlag } from "../parse.js";
import { withDelegates } from "./delegate-io.js";

const MAX_SECONDS = 10 * 365 * 24 * 3600;

function describeSession(s: SessionInfo): string {
  const prefix = s.policy.messagePrefix ? `prefix ${s.policy.messagePrefix}` : "any message";
  return [
    `${s.id}  delegate ${s.delegate}  key ${s.publicKey}`,
    `  ${prefix}; uses ${s.uses}/${s.policy.maxUses}; expires ${new Date(s.policy.expiresAt).toISOString()}`,
    ...s.pending.map((a) => `  pending ${a.id} at ${a.fireAt}: ${a.message}`),
    ...s.fired.map(
      (f) => `  fired ${f.id}: ${f.signature ? `signature ${f.signature}` : `refused (${f.refused})`}`,
    ),
  ].join("\n");
}

function message(hex: string | undefined, text: string | undefined): Uint8Array {
  if (hex !== undefined && text !== undefined)
    throw new InputRangeError("give --message-hex or --message, not both");
  if (hex !== undefined) return parseHexFlag(hex, "--message-hex");
  if (text !== undefined) return utf8(text);
  throw new InputRangeError("--message-hex or --message is required");
}

interface CreateOpts {
  delegate: string;
  prefix?: string;
  prefixHex?: string;
  maxUses: string;
  expiresIn: string;
  fireIn?: string;
  message?: string;
  messageHex?: string;
}

/** `session create`: create a session for a delegate, optionally with one pending action. */
function sessionCreateCommand(session: Command): void {
  session
    .command("create")
    .description("create a session for a delegate, optionally with one pending action")
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .option("--prefix <text>", "allowed message prefix (UTF-8)")
    .option("--prefix-hex <hex>", "allowed message prefix (hex)")
    .requiredOption("--max-uses <n>", "maximum signatures")
    .requiredOption("--expires-in <seconds>", "session lifetime")
    .option("--fire-in <seconds>", "schedule an action this many seconds from now")
    .option("--message <text>", "the action's message (UTF-8)")
    .option("--message-hex <hex>", "the action's message (hex)")
    .action(async (opts: CreateOpts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.prefix !== undefined && opts.prefixHex !== undefined)
        throw new InputRangeError("give --prefix or --prefix-hex, not both");
      const messagePrefix =
        opts.prefixHex !== undefined ? parseHexFlag(opts.prefixHex, "--prefix-hex") : utf8(opts.prefix ?? "");
      const maxUses = parseIntFlag(opts.maxUses, "--max-uses", 1, 1_000_000_000);
      const now = Date.now();
      const expiresAt = now + parseIntFlag(opts.expiresIn, "--expires-in", 1, MAX_SECONDS) * 1000;
      const actions =
        opts.fireIn === undefined
          ? []
          : [
              {
                fireAt: now + parseIntFlag(opts.fireIn, "--fire-in", 0, MAX_SECONDS) * 1000,
                message: message(opts.messageHex, opts.message),
              },
            ];
      const s = await withDelegates(cmd, (d) =>
        d.sessions.create(opts.delegate, { messagePrefix, maxUses, expiresAt }, actions, CLI_ACTOR),
      );
      emit(g.json, s, describeSession(s));
    });
}

/** `session schedule`: add a pending action to a session. */
function sessionScheduleCommand(session: Command): void {
  session
    .command("schedule")
    .description("add a pending action to a session")
    .requiredOption("--session <id>", "session id")
    .requiredOption("--fire-in <seconds>", "seconds from now")
    .option("--message <text>", "message (UTF-8)")
    .option("--message-hex <hex>", "message (hex)")
    .action(
      async (
        opts: { session: string; fireIn: string; message?: string; messageHex?: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const fireAt = Date.now() + parseIntFlag(opts.fireIn, "--fire-in", 0, MAX_SECONDS) * 1000;
        const msg = message(opts.messageHex, opts.message);
        const id = await withDelegates(cmd, (d) =>
          d.sessions.schedule(opts.session, { fireAt, message: msg }),
        );
        emit(g.json, { action: id, fireAt: new Date(fireAt).toISOString() }, id);
      },
    );
}

/** `session list`: sessions (of one delegate with --delegate). */
function sessionListCommand(session: Command): void {
  session
    .command("list")
    .description("sessions (of one delegate with --delegate)")
    .option("--delegate <key>", "delegate key, 64 hex")
    .action(async (opts: { delegate?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const sessions = await withDelegates(cmd, (d) => d.sessions.list(opts.delegate));
      emit(g.json, { sessions }, sessions.length ? sessions.map(describeSession).join("\n") : "no sessions");
    });
}

/** `session show`: one session with its pending and fired actions. */
function sessionShowCommand(session: Command): void {
  session
    .command("show")
    .description("one session with its pending and fired actions")
    .requiredOption("--session <id>", "session id")
    .action(async (opts: { session: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const s = await withDelegates(cmd, (d) => d.sessions.show(opts.session));
      emit(g.json, s, describeSession(s));
    });
}

/** `session run`: rehydrate every session (load keys, drop those whose secret is gone) and fire each due action exactly once. */
function sessionRunCommand(session: Command): void {
  session
    .command("run")
    .description(
      "rehydrate every session (load keys, drop those whose secret is gone) and fire each due action exactly once",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const out = await withDelegates(cmd, async (d) => {
        const rehydrated = await d.sessions.rehydrate();
        return { rehydrated, fired: await d.sessions.runDue() };
      });
      const lines = [
        `rehydrated ${out.rehydrated.loaded.length}, dropped ${out.rehydrated.dropped.length}, kept ${out.rehydrated.kept.length}`,
        ...out.rehydrated.dropped.map((x) => `dropped ${x.id}: ${x.reason}`),
        ...out.fired.map((f) => `fired ${f.id} (${f.session}): ${f.signature ?? `refused ${f.refused}`}`),
      ];
      emit(g.json, out, lines.join("\n"));
    });
}

/** Registers `delegate session …`. */
export function registerDelegateSessionCommands(delegate: Command): void {
  const session = delegate
    .command("session")
    .description(
      "delegated sessions: a signing key (sealed) with a policy and pending actions, persisted without the key",
    );
  for (const add of [
    sessionCreateCommand,
    sessionScheduleCommand,
    sessionListCommand,
    sessionShowCommand,
    sessionRunCommand,
  ])
    add(session);
}
