// Builds the `keyward` command tree, loading only the command group a run needs (cold start, issue 12).
import { Command, Help, Option } from "commander";

/** Flags of the root command that take a value (needed to find the command in argv). */
export const GLOBAL_VALUE_FLAGS = ["--data", "--db", "--key-file"] as const;

type Register = (program: Command) => void | Promise<void>;

/**
 * One top-level command group: its names and a loader that registers it. Each group's module (and the
 * domains it pulls in) is imported only when the run needs that group, so `keyward delegations check`
 * never loads the HTTP server or the rooms domain.
 */
interface CommandGroup {
  readonly names: readonly string[];
  readonly register: Register;
}

const GROUPS: readonly CommandGroup[] = [
  {
    names: ["derive"],
    register: async (p) => (await import("./commands/derive.js")).registerDeriveCommands(p),
  },
  {
    names: ["init", "rekey"],
    register: async (p) => (await import("./commands/init.js")).registerInitCommands(p),
  },
  {
    names: ["unseal"],
    register: async (p) => (await import("./commands/unseal.js")).registerUnsealCommand(p),
  },
  {
    names: ["datakey"],
    register: async (p) => (await import("./commands/datakey.js")).registerDataKeyCommands(p),
  },
  {
    names: ["secret"],
    register: async (p) => (await import("./commands/secret.js")).registerSecretCommands(p),
  },
  {
    names: ["delegate"],
    register: async (p) => {
      const [derive, delegates] = await Promise.all([
        import("./commands/derive.js"),
        import("./commands/delegate.js"),
      ]);
      const delegate = p.command("delegate").description("delegates: keys, certificates, secrets, migration");
      derive.registerDelegateKeyCommand(delegate);
      delegates.registerDelegateCommands(delegate);
    },
  },
  { names: ["app"], register: async (p) => (await import("./commands/app.js")).registerAppCommands(p) },
  {
    names: ["partition", "identity", "msk"],
    register: async (p) => (await import("./commands/custody.js")).registerCustodyCommands(p),
  },
  {
    names: ["backup", "restore"],
    register: async (p) => (await import("./commands/backup.js")).registerBackupCommands(p),
  },
  { names: ["audit"], register: async (p) => (await import("./commands/audit.js")).registerAuditCommands(p) },
  {
    names: ["delegations"],
    register: async (p) => (await import("./commands/delegations.js")).registerDelegationCommands(p),
  },
  { names: ["room"], register: async (p) => (await import("./commands/room.js")).registerRoomCommands(p) },
  { names: ["river"], register: async (p) => (await import("./commands/river.js")).registerRiverCommands(p) },
  { names: ["token"], register: async (p) => (await import("./commands/token.js")).registerTokenCommands(p) },
  { names: ["serve"], register: async (p) => (await import("./commands/serve.js")).registerServeCommand(p) },
];

/** Every top-level command name, in help order. */
export const COMMAND_NAMES: readonly string[] = GROUPS.flatMap((g) => g.names);

/** The root's `--version` flag is handled before commander (a subcommand may own `--version <n>`). */
const VERSION_OPTION = new Option("-V, --version", "print the keyward version and exit");

/** Help that marks required options and, at the root, lists `--version`. */
class KeywardHelp extends Help {
  override optionDescription(option: Option): string {
    const text = super.optionDescription(option);
    return option.mandatory ? `(required) ${text}` : text;
  }

  override visibleOptions(cmd: Command): Option[] {
    const options = super.visibleOptions(cmd);
    return cmd.parent ? options : [VERSION_OPTION, ...options];
  }
}

/** Commands whose help is KeywardHelp; subcommands are created as the same class. */
class KeywardCommand extends Command {
  override createCommand(name?: string): Command {
    return new KeywardCommand(name);
  }

  override createHelp(): Help {
    return Object.assign(new KeywardHelp(), this.configureHelp());
  }
}

/** The first operand of argv (the top-level command name), skipping global flags and their values. */
export function firstOperand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return argv[i + 1];
    if ((GLOBAL_VALUE_FLAGS as readonly string[]).includes(a)) i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/**
 * Creates the program with global flags and the command groups `argv` needs: the named group only, or
 * every group when argv names none (root help, an unknown command and its suggestion).
 * @example const program = await buildProgram(["delegations", "check", "--delegator", "1"]);
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new KeywardCommand("keyward")
    .description(
      "Self-hostable key custody and delegation: derive, seal, delegate, rotate, migrate and verify keys.",
    )
    .usage("[global options] <command> [options]")
    .option("--data <dir>", "data directory (env KEYWARD_DATA, default ./.keyward)")
    .option("--db <url>", "database: sqlite:PATH or postgres://… (env KEYWARD_DB)")
    .option(
      "--key-file <path>",
      "unseal key file, 64 hex characters (env KEYWARD_KEY_FILE; or KEYWARD_PASSPHRASE)",
    )
    .option("--json", "machine-readable JSON output")
    .addHelpText(
      "after",
      "\nRun `keyward <command> --help` (or `keyward help <command> [subcommand]`) for a command's options." +
        "\nExit codes: 0 done, 1 refused by a rule, 2 bad usage or input. KEYWARD_DEBUG=1 prints internal errors.",
    );
  // Inherited by every command created after this point (commander copies these settings).
  program.configureHelp({ showGlobalOptions: true });
  const name = firstOperand(argv);
  const group = GROUPS.find((g) => name !== undefined && g.names.includes(name));
  for (const g of group ? [group] : GROUPS) await g.register(program);
  return program;
}
