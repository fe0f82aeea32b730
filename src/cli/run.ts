// Runs the CLI: parse, execute, map failures to exit codes 1 (refused) and 2 (bad usage or input).
import type { Command } from "commander";
import { reportError, reportUsage } from "./io.js";
import { buildProgram, COMMAND_NAMES, firstOperand, GLOBAL_VALUE_FLAGS } from "./program.js";
import { VERSION } from "./version.js";

/** `keyward help a b` is `keyward a b --help` (commander's help command resolves one level only). */
function rewriteHelp(argv: readonly string[]): string[] {
  const i = argv.indexOf("help");
  if (i < 0 || firstOperand(argv) !== "help") return [...argv];
  return [...argv.slice(0, i), ...argv.slice(i + 1), "--help"];
}

/** `keyward --version` / `-V` before any command (a subcommand may own a `--version <n>` option). */
function wantsVersion(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--version" || a === "-V") return true;
    if ((GLOBAL_VALUE_FLAGS as readonly string[]).includes(a)) i++;
    else if (!a.startsWith("-")) return false;
  }
  return false;
}

/** The command argv selects (following subcommand names) and the tokens left for it. */
function targetOf(program: Command, argv: readonly string[]): { cmd: Command; rest: string[] } {
  let cmd = program;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((GLOBAL_VALUE_FLAGS as readonly string[]).includes(a)) {
      i++;
      continue;
    }
    const sub = a.startsWith("-")
      ? undefined
      : cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub && rest.every((r) => r.startsWith("-"))) cmd = sub;
    else rest.push(a);
  }
  return { cmd, rest };
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The known flag nearest to a mistyped one, when it is near enough to be a likely typo. */
function closest(flag: string, flags: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(flag.length / 3)) + 1;
  for (const f of flags) {
    const d = distance(flag, f);
    if (d < bestDistance) [best, bestDistance] = [f, d];
  }
  return best;
}

/**
 * Refuses an unknown flag before commander checks required options, so `delegate status --key X` says
 * "unknown option '--key'" (with a suggestion) instead of "required option '--delegate' not specified".
 */
function refuseUnknownOptions(program: Command, argv: readonly string[]): void {
  const { cmd, rest } = targetOf(program, argv);
  const known = new Map<string, boolean>(); // flag → takes a value
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      const takesValue = o.required || o.optional;
      if (o.long) known.set(o.long, takesValue);
      if (o.short) known.set(o.short, takesValue);
      if (o.negate && o.long) known.set(o.long, false);
    }
  }
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (token === "--") return;
    if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) continue;
    const flag = token.split("=")[0]!;
    if (flag === "--help" || flag === "-h") return; // help wins over every other check
    const takesValue = known.get(flag);
    if (takesValue === undefined) {
      const near = closest(
        flag,
        [...known.keys()].filter((k) => k.startsWith("--")),
      );
      cmd.error(`error: unknown option '${flag}'${near ? ` (did you mean ${near}?)` : ""}`, {
        code: "commander.unknownOption",
        exitCode: 2,
      });
    }
    if (takesValue && !token.includes("=")) i++;
  }
}

/** Every command of the tree. */
function allCommands(program: Command): Command[] {
  const out: Command[] = [];
  const stack = [program];
  while (stack.length) {
    const c = stack.pop()!;
    out.push(c);
    stack.push(...c.commands);
  }
  return out;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const args = rewriteHelp(argv);
  if (wantsVersion(args)) {
    process.stdout.write(json ? `${JSON.stringify({ version: VERSION })}\n` : `keyward ${VERSION}\n`);
    return 0;
  }
  if (firstOperand(args) === undefined && !args.includes("--help") && !args.includes("-h")) {
    return reportUsage(json, "missing command", "keyward", COMMAND_NAMES);
  }
  const program = await buildProgram(args);
  const stderr: string[] = [];
  let failed: Command = program;
  for (const c of allCommands(program)) {
    // Commander's own messages are collected, so a usage error prints one line plus a hint, never the help.
    c.configureOutput({ writeErr: (s) => stderr.push(s), outputError: (s, write) => write(s) });
    c.exitOverride((e) => {
      failed = c;
      throw e;
    });
  }
  // The command whose action runs, so an internal error's log line names it.
  program.hook("preAction", (_root, action) => {
    failed = action;
  });
  try {
    refuseUnknownOptions(program, args);
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, json, { command: failed, commanderOutput: stderr.join("") });
  }
}
