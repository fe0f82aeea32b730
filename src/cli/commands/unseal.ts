// `keyward unseal --url URL`: submits key shares (stdin or hidden prompts, never argv) to a sealed running server.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Command } from "commander";
import { ERROR_CODES, type ErrorCode } from "../../errors/codes.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { encodeShare, parseShare, parseSharesText } from "../../service/key-shares.js";
import { wipe } from "../../service/primitives.js";
import type { SealStatus } from "../../service/unseal-gate.js";
import { emit, type GlobalOptions } from "../io.js";
import { promptHidden, readAllText } from "./shares-io.js";

/** Flags of `unseal`. */
interface UnsealFlags {
  readonly url?: string;
  readonly cacert?: string;
}

interface Client {
  call(method: "GET" | "POST", path: string, body?: unknown): Promise<SealStatus>;
}

/** A small JSON client for the seal routes; `ca` pins the server's certificate (or its CA) for HTTPS. */
function sealClient(base: string, ca: string | undefined): Client {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new KeywardError("invalid_input", "--url / KEYWARD_URL must be an http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new KeywardError("invalid_input", "--url / KEYWARD_URL must be an http(s) URL");
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return {
    call(method, path, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          new URL(path, url),
          {
            method,
            ...(ca ? { ca } : {}),
            headers: payload ? { "content-type": "application/json" } : {},
          },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += String(d);
            });
            res.on("end", () => {
              let json: unknown;
              try {
                json = JSON.parse(text);
              } catch {
                return reject(
                  new KeywardError("unavailable", `the server answered ${res.statusCode} without JSON`),
                );
              }
              const error = (json as { error?: { code?: string; message?: string } }).error;
              if (error) {
                const code = (error.code && error.code in ERROR_CODES ? error.code : "internal") as ErrorCode;
                return reject(new KeywardError(code, `server: ${error.message ?? "refused"}`));
              }
              resolve(json as SealStatus);
            });
          },
        );
        req.on("error", (err: NodeJS.ErrnoException) =>
          reject(
            new KeywardError("unavailable", `cannot reach ${url.origin}${err.code ? ` (${err.code})` : ""}`),
          ),
        );
        req.end(payload);
      });
    },
  };
}

function progress(s: SealStatus): string {
  return s.sealed ? `sealed: ${s.received} of ${s.threshold} key shares received` : "unsealed";
}

/** Submits shares one by one until the server unseals; returns the last status. */
async function submitAll(client: Client, next: () => Promise<Uint8Array | undefined>, json?: boolean) {
  let status = await client.call("GET", "/v1/sys/seal-status");
  while (status.sealed) {
    const share = await next();
    if (!share) break;
    const text = encodeShare(share);
    wipe(share);
    status = await client.call("POST", "/v1/sys/unseal", { share: text });
    if (!json) process.stderr.write(`${progress(status)}\n`);
  }
  return status;
}

/** Registers `unseal`. */
export function registerUnsealCommand(program: Command): void {
  program
    .command("unseal")
    .description(
      "unseal a running key-share server: reads key shares from stdin (one a line) or hidden prompts, never from argv",
    )
    .option("--url <url>", "the server (env KEYWARD_URL, default http://127.0.0.1:8787)")
    .option("--cacert <file>", "PEM certificate (or CA) to trust for an https:// --url")
    .action(async (opts: UnsealFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      let ca: string | undefined;
      if (opts.cacert) {
        try {
          ca = readFileSync(opts.cacert, "utf8");
        } catch {
          throw new KeywardError("invalid_input", `cannot read --cacert ${opts.cacert}`);
        }
      }
      const client = sealClient(opts.url ?? process.env.KEYWARD_URL ?? "http://127.0.0.1:8787", ca);
      let next: () => Promise<Uint8Array | undefined>;
      let queued: Uint8Array[] = [];
      if (process.stdin.isTTY) {
        // At a terminal: one share per run (each key holder types their own), prompted without echo.
        let asked = false;
        next = async () => {
          if (asked) return undefined;
          asked = true;
          const s = await client.call("GET", "/v1/sys/seal-status");
          return parseShare(await promptHidden(`key share (${s.received + 1} of ${s.threshold}): `));
        };
      } else {
        queued = parseSharesText(await readAllText(process.stdin));
        next = async () => queued.shift();
      }
      try {
        // Each key holder may run this with their own share: partial progress is success (exit 0), as in Vault.
        const status = await submitAll(client, next, g.json);
        emit(
          g.json,
          status,
          status.sealed
            ? `still sealed: ${status.received} of ${status.threshold} key shares received; the other holders run \`keyward unseal\` too`
            : "unsealed: the server is serving",
        );
      } finally {
        wipe(...queued);
      }
    });
}
