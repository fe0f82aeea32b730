// Builds the `keyward` command tree; each domain registers its commands from cli/commands/<domain>.ts.
import { Command } from "commander";
import { registerAppCommands } from "./commands/app.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerCustodyCommands } from "./commands/custody.js";
import { registerDataKeyCommands } from "./commands/datakey.js";
import { registerDelegateCommands } from "./commands/delegate.js";
import { registerDelegationCommands } from "./commands/delegations.js";
import { registerDelegateKeyCommand, registerDeriveCommands } from "./commands/derive.js";
import { registerInitCommands } from "./commands/init.js";
import { registerRoomCommands } from "./commands/room.js";
import { registerSecretCommands } from "./commands/secret.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTokenCommands } from "./commands/token.js";

/** Creates the program with global flags and every registered command. */
export function buildProgram(): Command {
  const program = new Command("keyward")
    .description(
      "Self-hostable key custody and delegation: derive, seal, delegate, rotate, migrate and verify keys.",
    )
    .option("--data <dir>", "data directory (env KEYWARD_DATA, default ./.keyward)")
    .option("--db <url>", "database: sqlite:PATH or postgres://… (env KEYWARD_DB)")
    .option(
      "--key-file <path>",
      "unseal key file, 64 hex characters (env KEYWARD_KEY_FILE; or KEYWARD_PASSPHRASE)",
    )
    .option("--json", "machine-readable JSON output")
    .showHelpAfterError();
  program.configureOutput({ outputError: (str, write) => write(str) });

  registerDeriveCommands(program);
  registerInitCommands(program);
  registerDataKeyCommands(program);
  registerSecretCommands(program);

  const delegate = program
    .command("delegate")
    .description("delegates: keys, certificates, secrets, migration");
  registerDelegateKeyCommand(delegate);
  registerDelegateCommands(delegate);
  registerAppCommands(program);

  registerCustodyCommands(program);
  registerAuditCommands(program);
  registerDelegationCommands(program);
  registerRoomCommands(program);
  registerTokenCommands(program);
  registerServeCommand(program);

  return program;
}
