// Which reverse proxies may name the client address (X-Forwarded-For): parsed from `--trust-proxy` / KEYWARD_TRUST_PROXY.
import { isIP } from "node:net";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

const SOURCE = "--trust-proxy / KEYWARD_TRUST_PROXY";

/**
 * Parses a comma-separated list of proxy addresses or CIDR ranges (e.g. `10.0.0.5,192.168.0.0/16,::1`) into the
 * list Fastify's `trustProxy` takes. Only a request whose peer is in the list has its client address taken from
 * X-Forwarded-For (the right-most untrusted entry); every other request keeps its socket address, so the
 * per-address limits (failed-authentication budget, public-route rate) cannot be dodged with a forged header.
 * @throws {TypeError} not a string. @throws {RangeError} empty, or an entry that is not an IP address or CIDR
 *   range (the message names the option and the entry's position, not its text).
 * @example parseTrustProxy("10.0.0.5, 10.1.0.0/16"); // ["10.0.0.5", "10.1.0.0/16"]
 */
export function parseTrustProxy(text: unknown): string[] {
  if (typeof text !== "string") throw new InputTypeError(`${SOURCE} must be a string`);
  const entries = text.split(",").map((e) => e.trim());
  if (entries.length > 64) throw new InputRangeError(`${SOURCE} must list at most 64 entries`);
  entries.forEach((entry, i) => {
    const [addr = "", bits, extra] = entry.split("/");
    const family = isIP(addr);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || extra !== undefined)
      throw new InputRangeError(`${SOURCE} entry ${i + 1} must be an IP address or CIDR range`);
  });
  return entries;
}

/** The trusted proxies from KEYWARD_TRUST_PROXY, or undefined when unset (then X-Forwarded-For is ignored). */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const text = env.KEYWARD_TRUST_PROXY;
  return text === undefined || text === "" ? undefined : parseTrustProxy(text);
}
