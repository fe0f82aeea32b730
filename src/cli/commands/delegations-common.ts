// What every `keyward delegations` command shares: the wired service, id/position/key flags, warnings.
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { type DelegationId, normalizeId, parsePosition } from "../../service/delegation-inputs.js";
import { DelegationsService } from "../../service/delegations.js";
import { withStorage } from "../context.js";

export type Ids = { delegator: string; provider: string; scope?: string };

export const id = (value: string | undefined, flag: string): DelegationId => {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  return normalizeId(value, flag);
};
export const position = (value: string | undefined, flag: string): number => {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  return parsePosition(value.trim(), flag);
};

/**
 * Runs `fn` with the delegations service (lazy unseal: only checkpoint/prove touch a secret); a stored index
 * snapshot that could not be used is reported on stderr.
 */
export function withDelegations<T>(cmd: Command, fn: (d: DelegationsService) => Promise<T>): Promise<T> {
  return withStorage(
    cmd,
    async (storage) => {
      const d = await DelegationsService.open(storage);
      const o = d.opened;
      if (o.snapshot === "failed")
        process.stderr.write(
          `warning: delegation index snapshot not used (${o.error}); rebuilt from the whole log ` +
            `(${o.replayed} events): run \`keyward delegations snapshot\`\n`,
        );
      return fn(d);
    },
    LAZY,
  );
}
const LAZY = { lazyUnseal: true } as const;

/** Where the service's non-fatal warnings (an index snapshot not written) go: stderr, one line each. */
export const warn = (message: string): void => void process.stderr.write(`warning: ${message}\n`);

export function keyOptions(c: Command, scope: "required" | "optional" | "list" | "optional-list"): Command {
  c.requiredOption("--delegator <id>", "delegator id (integer ≤ 2^53−1 or string)").requiredOption(
    "--provider <id>",
    "provider id",
  );
  if (scope === "required") return c.requiredOption("--scope <id>", "scope id");
  if (scope === "optional") return c.option("--scope <id>", "scope id (default: every scope)");
  if (scope === "list") return c.requiredOption("--scope <ids>", "scope id or comma-separated ids");
  return c.option("--scope <ids>", "scope ids (default: the whole delegation)");
}
