// Request limits: a rate per token (per client address on public routes), a much stricter budget for failed
// authentication, and a bound on requests in flight (503 + Retry-After) instead of an unbounded queue.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InputRangeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { FixedWindows } from "./fixed-windows.js";
import { installRequestRate, RequestRate } from "./request-rate.js";

/** Limits of one app; `false` for a part turns it off. */
export interface LimitOptions {
  /**
   * Requests per minute per token (per address on public routes). Default 600,000 (10k/s: a guard against a
   * runaway client, not a quota); 0 = off.
   */
  readonly perMinute?: number;
  /** Failed authentications per client address per minute before 429. Default 20. */
  readonly authFailuresPerMinute?: number;
  /**
   * Requests served at once past which new ones get 503 + Retry-After. Default 0 (off) for an embedded app;
   * `keyward serve` bounds it at 1,024.
   */
  readonly maxInFlight?: number;
  /** Called once per address and window when it starts being throttled for failed authentication. */
  readonly onAuthThrottled?: (client: string, failures: number) => void;
}

/**
 * Limits from `KEYWARD_RATE_LIMIT` (per minute), `KEYWARD_AUTH_FAILURE_LIMIT` (per minute) and
 * `KEYWARD_MAX_IN_FLIGHT`, validated; unset ones are left to the defaults.
 * @throws {RangeError} naming the variable.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): LimitOptions {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    if (!/^\d{1,9}$/.test(text)) throw new InputRangeError(`${name} must be a non-negative integer`);
    return Number(text);
  };
  const perMinute = read("KEYWARD_RATE_LIMIT");
  const authFailuresPerMinute = read("KEYWARD_AUTH_FAILURE_LIMIT");
  const maxInFlight = read("KEYWARD_MAX_IN_FLIGHT");
  return {
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    ...(perMinute !== undefined ? { perMinute } : {}),
    ...(authFailuresPerMinute !== undefined ? { authFailuresPerMinute } : {}),
  };
}

/**
 * Counts failed authentications per client address in fixed one-minute windows. Past the budget an address
 * is refused before its token is even looked at, so a brute-force run learns nothing and costs nothing.
 */
export class AuthThrottle {
  readonly #windows: FixedWindows;

  constructor(
    private readonly budget: number,
    private readonly onThrottled?: (client: string, failures: number) => void,
    now: () => number = Date.now,
  ) {
    this.#windows = new FixedWindows(now);
  }

  /** Seconds until `client` may try again, or 0 when it is within its budget. */
  retryAfter(client: string): number {
    return this.#windows.count(client) >= this.budget ? this.#windows.secondsLeft(client) : 0;
  }

  /** Records one failed authentication of `client` (reported once per window, when it reaches the budget). */
  fail(client: string): void {
    const failures = this.#windows.add(client);
    if (failures === this.budget) this.onThrottled?.(client, failures);
  }
}

/** The rate-limit key: the authenticated token, else the client address. */
function clientKey(req: FastifyRequest): string {
  return req.principal ? `token:${req.principal.id}` : `addr:${req.ip}`;
}

/**
 * Installs the per-token rate limit (after authentication, so a forged token id cannot spend another token's
 * budget) and load shedding. Must run before the routes are registered.
 */
export async function installLimits(app: FastifyInstance, options: LimitOptions): Promise<void> {
  const perMinute = options.perMinute ?? 600_000;
  if (perMinute > 0) installRequestRate(app, new RequestRate(perMinute), clientKey);
  const maxInFlight = options.maxInFlight ?? 0;
  if (maxInFlight > 0) {
    // A bounded queue: past `maxInFlight` requests being served, new ones are refused at once (503 +
    // Retry-After through the one error handler) instead of waiting without bound. Counted per instance.
    let inFlight = 0;
    const counted = new WeakSet<FastifyRequest>();
    const release = (req: FastifyRequest, _reply: unknown, done: () => void) => {
      if (counted.delete(req)) inFlight--;
      done();
    };
    app.addHook("onRequest", (req, _reply, done) => {
      if (inFlight >= maxInFlight) {
        done(new KeywardError("unavailable", "the server is overloaded; retry after 1 second"));
        return;
      }
      inFlight++;
      counted.add(req);
      done();
    });
    app.addHook("onResponse", release);
    app.addHook("onRequestAbort", (req, done) => release(req, undefined, done));
  }
}
