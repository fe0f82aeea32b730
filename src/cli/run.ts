// Runs the CLI: parse, execute, map failures to exit codes 1 (refused) and 2 (bad usage or input).
import { reportError } from "./io.js";
import { buildProgram } from "./program.js";

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  // exitOverride is not inherited by commands added earlier; apply it to the whole tree.
  const stack = [program];
  while (stack.length) {
    const c = stack.pop()!;
    c.exitOverride();
    stack.push(...c.commands);
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, argv.includes("--json"));
  }
}
