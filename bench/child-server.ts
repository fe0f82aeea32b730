// Benchmark servers in child processes (one core each): start one in a mode of a bench script, read its CPU time.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** A server child: its process, base URL and (when it made one) an API token. */
export interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly token: string;
}

/**
 * Runs `script` (a bench file) with `mode` as its argument and waits for its `READY <port> [token]` line.
 * The rate limiter stays on in keyward children (its cost is part of the figure) with a budget the load cannot
 * exhaust: the default 10k requests/s per token would answer 429 to a benchmark that outruns it.
 */
export function startChild(script: string, mode: string): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", script, mode], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, KEYWARD_RATE_LIMIT: process.env.KEYWARD_RATE_LIMIT ?? "999999999" },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += String(d);
      const m = /READY (\d+) ?(\S*)/.exec(out);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}`, token: m[2] ?? "" });
    });
    proc.once("exit", (code) => reject(new Error(`${mode} exited ${code}`)));
  });
}

/** CPU seconds (user + system) a child has used so far, from /proc (Linux). */
export function childCpu(proc: ChildProcess): number {
  const fields = readFileSync(`/proc/${proc.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
