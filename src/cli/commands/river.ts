// `keyward river …`: River's room contract as a judge (validate-state), no data dir needed.
import type { Command } from "commander";
import { riverValidateState } from "../../service/river.js";
import { isJson } from "../context.js";
import { emit } from "../io.js";
import { readFileFlag } from "../parse.js";

/** Registers `river` and its subcommands. */
export function registerRiverCommands(program: Command): void {
  const river = program.command("river").description("River interop: run River's own room contract");

  river
    .command("validate-state")
    .description(
      "run a contract build's validate_state on parameters + state and print its verdict (exit 0 either way;\n" +
        'JSON: {"valid","verdict","reason"?})',
    )
    .requiredOption("--contract <wasm>", "contract module, e.g. River's room_contract.wasm")
    .requiredOption(
      "--parameters <file>",
      "ChatRoomParametersV1 (CBOR), e.g. from room export --parameters-out",
    )
    .requiredOption("--state <file>", "ChatRoomStateV1 (CBOR), e.g. from room export --format river")
    .action(async (opts: { contract: string; parameters: string; state: string }, cmd: Command) => {
      const v = await riverValidateState(
        readFileFlag(opts.contract, "--contract"),
        readFileFlag(opts.parameters, "--parameters"),
        readFileFlag(opts.state, "--state"),
      );
      emit(isJson(cmd), v, v.reason ? `${v.verdict}: ${v.reason}` : v.verdict);
    });
}
