// Spawns the real CLI (`keyward serve`, `keyward token …`) as processes for end-to-end tests.
import { type ChildProcess, spawn } from "node:child_process";

/** A running `keyward serve` process. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  /** The admin token from the dev banner (dev mode only). */
  readonly adminToken: string | undefined;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const CLI = ["--import", "tsx", "src/cli/main.ts"];

/** The environment without inherited KEYWARD_* settings (each test sets its own). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("KEYWARD_")) env[k] = v;
  return { ...env, ...extra };
}

/** Starts `keyward <args> serve …` and waits for its "listening on" line (or its exit). */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), env, stdio: "pipe" });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  proc.stdout.on("data", (d) => stdout.push(String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr.join("")}`)), 30_000);
    proc.stderr.on("data", (d) => {
      stderr.push(String(d));
      const text = stderr.join("");
      const m = /keyward listening on (\S+)/.exec(text);
      if (!m) return;
      clearTimeout(timer);
      const token = /admin token:\s+(kw_\S+)/.exec(text)?.[1] ?? /"adminToken":"(kw_[^"]+)"/.exec(text)?.[1];
      resolve({
        proc,
        url: m[1]!,
        adminToken: token,
        stdout,
        stderr,
        stop() {
          proc.kill("SIGTERM");
          return exited;
        },
      });
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}: ${stderr.join("")}`));
    });
  });
}

/** Runs the CLI to completion. */
export function runCliProcess(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => {
      stdout += String(d);
    });
    proc.stderr.on("data", (d) => {
      stderr += String(d);
    });
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(input ?? "");
  });
}

/** fetch with a bearer token and a JSON body. */
export async function api(
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
