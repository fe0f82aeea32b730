// `keyward delegate cosigner create|nonce|sign|verify|aggregate|show|list|run`: MuSig2 (BIP-327) cosigner sessions.

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { CLI_ACTOR } from "../context.js";
import { emit, type GlobalOptions } from "../io.js";
import { parseHexFlag, parseIntFlag } from "../parse.js";
import { describe, readJson, rows, withCosigners } from "./delegate-cosigner-io.js";

const MAX_SECONDS = 10 * 365 * 24 * 3600;
const collect = (v: string, prev: string[] = []) => [...prev, v];

interface CreateOpts {
  delegate: string;
  shareSecret?: string;
  partition?: string;
  identity?: string;
  label?: string;
  peer: string[];
  messageHex?: string[];
  messagesFile?: string;
  tweak?: string[];
  taproot?: boolean | string;
  expiresIn: string;
  maxRounds?: string;
  fireIn?: string;
}

function messagesOf(opts: CreateOpts): Uint8Array[] {
  const list = [...(opts.messageHex ?? [])];
  if (opts.messagesFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.messagesFile, "utf8");
    } catch {
      throw new InputRangeError(`--messages-file: cannot read file ${opts.messagesFile}`);
    }
    list.push(...text.split(/\r?\n/).filter((l) => l.trim()));
  }
  if (list.length === 0) throw new InputRangeError("give --message-hex or --messages-file");
  return list.map((h, i) => parseHexFlag(h.trim(), `message ${i}`));
}

/** `cosigner create`: create a session over a share (an imported delegate secret or a custody identity's bip340 key). */
function cosignerCreateCommand(cosigner: Command): void {
  cosigner
    .command("create")
    .description(
      "create a session over a share (an imported delegate secret or a custody identity's bip340 key)",
    )
    .requiredOption("--delegate <key>", "delegate key, 64 hex")
    .option("--share-secret <name>", "the delegate secret holding the 32-byte share, e.g. dkg-secret.alice")
    .option("--partition <p>", "custody share: partition")
    .option("--identity <id>", "custody share: identity (type:value)")
    .option("--label <l>", "custody share: child label")
    .option("--peer <hex>", "another signer's 33-byte public key (repeat per signer)", collect)
    .option("--message-hex <hex>", "a message to cosign (repeat; e.g. sighashes)", collect)
    .option("--messages-file <file>", "messages to cosign, one hex message per line")
    .option("--tweak <hex[:xonly]>", "a BIP-327 tweak, plain or x-only (repeat, in order)", collect)
    .option("--taproot [merkle-root-hex]", "apply the BIP-341 taproot tweak (key-path, or a script root)")
    .requiredOption("--expires-in <seconds>", "session lifetime")
    .option("--max-rounds <n>", "round-1 restarts allowed (default 16)")
    .option("--fire-in <seconds>", "run round 1 by itself this many seconds from now (also after restarts)")
    .action(async (opts: CreateOpts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const custody = opts.partition !== undefined || opts.identity !== undefined;
      if (custody === (opts.shareSecret !== undefined))
        throw new InputRangeError("give --share-secret NAME, or --partition P --identity ID (custody share)");
      if (custody && (opts.partition === undefined || opts.identity === undefined))
        throw new InputRangeError("a custody share needs both --partition and --identity");
      const now = Date.now();
      const tweaks = (opts.tweak ?? []).map((t, i) => {
        const [hex, mode] = t.split(":");
        if (mode !== undefined && mode !== "xonly" && mode !== "plain")
          throw new InputRangeError(`--tweak ${i}: the suffix must be :xonly or :plain`);
        return { tweak: parseHexFlag(hex, `--tweak ${i}`, 32), xOnly: mode === "xonly" };
      });
      const taproot =
        typeof opts.taproot === "string" ? parseHexFlag(opts.taproot, "--taproot", 32) : opts.taproot;
      const plan = {
        peers: (opts.peer ?? []).map((p, i) => parseHexFlag(p, `--peer ${i}`, 33)),
        messages: messagesOf(opts),
        tweaks,
        ...(taproot !== undefined ? { taproot } : {}),
        expiresAt: now + parseIntFlag(opts.expiresIn, "--expires-in", 1, MAX_SECONDS) * 1000,
        ...(opts.maxRounds !== undefined
          ? { maxRounds: parseIntFlag(opts.maxRounds, "--max-rounds", 1, 1000) }
          : {}),
        ...(opts.fireIn !== undefined
          ? { fireAt: now + parseIntFlag(opts.fireIn, "--fire-in", 0, MAX_SECONDS) * 1000 }
          : {}),
      };
      const source = custody
        ? {
            custody: {
              partition: opts.partition!,
              identity: opts.identity!,
              ...(opts.label ? { label: opts.label } : {}),
            },
          }
        : { imported: opts.shareSecret! };
      const c = await withCosigners(cmd, (d) => d.cosigners.create(opts.delegate, source, plan, CLI_ACTOR));
      emit(g.json, c, c.id);
    });
}

/** `cosigner nonce`: round 1: the public nonces of the open round (a new round with --fresh or when none is open). */
function cosignerNonceCommand(cosigner: Command): void {
  cosigner
    .command("nonce")
    .description(
      "round 1: the public nonces of the open round (a new round with --fresh or when none is open)",
    )
    .requiredOption("--session <id>", "cosigner session id")
    .option("--fresh", "abort an open round and start a new one")
    .action(async (opts: { session: string; fresh?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const r = await withCosigners(cmd, (d) =>
        d.cosigners.nonce(opts.session, { fresh: opts.fresh === true }, CLI_ACTOR),
      );
      emit(g.json, r, `round ${r.round}\n${r.pubNonces.join("\n")}`);
    });
}

/** `cosigner sign`: round 2: partial signatures, given the others' public nonces or the aggregate nonces (JSON). */
function cosignerSignCommand(cosigner: Command): void {
  cosigner
    .command("sign")
    .description(
      "round 2: partial signatures, given the others' public nonces or the aggregate nonces (JSON)",
    )
    .requiredOption("--session <id>", "cosigner session id")
    .requiredOption("--round <n>", "the round whose nonces the others answered")
    .requiredOption(
      "--in <file>",
      'JSON {"pubNonces": [[hex…] per message]} or {"aggNonces": [hex…]} (- = stdin)',
    )
    .action(async (opts: { session: string; round: string; in: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const round = parseIntFlag(opts.round, "--round", 1, Number.MAX_SAFE_INTEGER);
      const input = await readJson(opts.in, "--in");
      const nonces =
        input.aggNonces !== undefined
          ? { aggNonces: rows(input.aggNonces, "aggNonces").map((r) => r[0]!) }
          : { pubNonces: rows(input.pubNonces, "pubNonces") };
      const r = await withCosigners(cmd, (d) => d.cosigners.sign(opts.session, round, nonces, CLI_ACTOR));
      emit(g.json, r, r.partialSigs.join("\n"));
    });
}

/** `cosigner verify`: check the other signers' partial signatures of a signed round. */
function cosignerVerifyCommand(cosigner: Command): void {
  cosigner
    .command("verify")
    .description("check the other signers' partial signatures of a signed round")
    .requiredOption("--session <id>", "cosigner session id")
    .requiredOption("--round <n>", "round")
    .requiredOption("--in <file>", 'JSON {"partialSigs": [[hex…] per message], "pubNonces"?: …} (- = stdin)')
    .action(async (opts: { session: string; round: string; in: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const round = parseIntFlag(opts.round, "--round", 1, Number.MAX_SAFE_INTEGER);
      const input = await readJson(opts.in, "--in");
      const pubNonces = input.pubNonces !== undefined ? rows(input.pubNonces, "pubNonces") : undefined;
      const r = await withCosigners(cmd, (d) =>
        d.cosigners.verify(opts.session, round, rows(input.partialSigs, "partialSigs"), pubNonces),
      );
      const ok = r.valid.filter(Boolean).length;
      const human = r.invalid.length
        ? [
            `${ok} of ${r.valid.length} messages verify`,
            ...r.invalid.map(
              (x) => `  message ${x.message}: signer ${x.signer}'s partial signature is invalid`,
            ),
          ].join("\n")
        : `${ok} of ${r.valid.length} messages: every partial signature verifies`;
      emit(g.json, r, human);
    });
}

/** `cosigner aggregate`: final BIP-340 signatures from the others' partial signatures and this signer's. */
function cosignerAggregateCommand(cosigner: Command): void {
  cosigner
    .command("aggregate")
    .description("final BIP-340 signatures from the others' partial signatures and this signer's")
    .requiredOption("--session <id>", "cosigner session id")
    .requiredOption("--round <n>", "round")
    .requiredOption("--in <file>", 'JSON {"partialSigs": [[hex…] per message]} (- = stdin)')
    .action(async (opts: { session: string; round: string; in: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const round = parseIntFlag(opts.round, "--round", 1, Number.MAX_SAFE_INTEGER);
      const input = await readJson(opts.in, "--in");
      const r = await withCosigners(cmd, (d) =>
        d.cosigners.aggregate(opts.session, round, rows(input.partialSigs, "partialSigs"), CLI_ACTOR),
      );
      emit(g.json, r, r.signatures.join("\n"));
    });
}

/** `cosigner show`: one session: participants, aggregate key, messages, rounds (public data only). */
function cosignerShowCommand(cosigner: Command): void {
  cosigner
    .command("show")
    .description("one session: participants, aggregate key, messages, rounds (public data only)")
    .requiredOption("--session <id>", "cosigner session id")
    .action(async (opts: { session: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const c = await withCosigners(cmd, (d) => d.cosigners.show(opts.session));
      emit(g.json, c, describe(c));
    });
}

/** `cosigner list`: cosigner sessions (of one delegate with --delegate). */
function cosignerListCommand(cosigner: Command): void {
  cosigner
    .command("list")
    .description("cosigner sessions (of one delegate with --delegate)")
    .option("--delegate <key>", "delegate key, 64 hex")
    .action(async (opts: { delegate?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const list = await withCosigners(cmd, (d) => d.cosigners.list(opts.delegate));
      emit(g.json, { cosigners: list }, list.length ? list.map(describe).join("\n") : "no cosigner sessions");
    });
}

/** `cosigner run`: as at a start: abort rounds left open (round 1 starts again), then run scheduled round-1 starts. */
function cosignerRunCommand(cosigner: Command): void {
  cosigner
    .command("run")
    .description(
      "as at a start: abort rounds left open (round 1 starts again), then run scheduled round-1 starts",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const out = await withCosigners(cmd, async (d) => ({
        rehydrated: await d.cosigners.rehydrate(),
        fired: await d.cosigners.runDue(),
      }));
      const lines = [
        `loaded ${out.rehydrated.loaded.length}, restarted ${out.rehydrated.restarted.length}, dropped ${out.rehydrated.dropped.length}, kept ${out.rehydrated.kept.length}`,
        ...out.rehydrated.restarted.map(
          (x) => `restarted ${x.id}: round ${x.aborted} aborted${x.round ? `, round ${x.round} open` : ""}`,
        ),
        ...out.fired.map((f) => `fired ${f.id}: round ${f.round} open`),
      ];
      emit(g.json, out, lines.join("\n"));
    });
}

/** Registers `delegate cosigner …`. */
export function registerDelegateCosignerCommands(delegate: Command): void {
  const cosigner = delegate
    .command("cosigner")
    .description(
      "MuSig2 (BIP-327) cosigner sessions: a secp256k1 share kept in the secret store, two rounds",
    );
  for (const add of [
    cosignerCreateCommand,
    cosignerNonceCommand,
    cosignerSignCommand,
    cosignerVerifyCommand,
    cosignerAggregateCommand,
    cosignerShowCommand,
    cosignerListCommand,
    cosignerRunCommand,
  ])
    add(cosigner);
}
