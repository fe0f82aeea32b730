// The Secret wrapper: the bytes never appear in any serialization or printout, in any encoding.
import { format, inspect } from "node:util";
import fc from "fast-check";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { bytesToBase64url, bytesToHex } from "./bytes.js";
import { findSecret, Secret } from "./secret.js";

/** Every textual form the bytes could leak as: hex (both cases, spaced like Buffer), base64, base64url, raw. */
function forms(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes);
  const hex = bytesToHex(bytes);
  return [
    hex,
    hex.toUpperCase(),
    hex.match(/../g)!.join(" "),
    buf.toString("base64").replace(/=+$/, ""),
    bytesToBase64url(bytes),
    buf.toString("latin1"),
    buf.toString("utf8"),
    [...bytes].join(","),
  ];
}

/** Everything a program might do to print or serialize a value holding a Secret. */
function renderings(secret: Secret): string[] {
  const holder = { user: "alice", nested: { list: [secret], secret } };
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  log.info({ secret, holder }, "operation");
  log.info(holder);
  return [
    JSON.stringify(secret),
    JSON.stringify(holder),
    JSON.stringify({ ...secret }),
    String(secret),
    `${secret}`,
    `${[secret]}`,
    inspect(secret),
    inspect(holder, { depth: 10, showHidden: true, getters: true }),
    format("%s %o %O %j", secret, holder, holder, holder),
    Object.keys(secret).join(","),
    ...lines,
  ];
}

describe("Secret never leaks through serialization", () => {
  it("no textual form of the bytes appears in JSON, String, templates, inspect, format or pino output", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 64 }), (bytes) => {
        const secret = Secret.from(bytes);
        const out = renderings(secret);
        for (const text of out) {
          for (const form of forms(bytes)) expect(text.includes(form)).toBe(false);
        }
        expect(out[0]).toBe('"[Secret redacted]"');
        expect(out[2]).toBe("{}");
      }),
      { numRuns: 100 },
    );
  });

  it("shows the length only, and keeps working after printing", () => {
    const s = Secret.from(Uint8Array.of(1, 2, 3, 4));
    expect(inspect(s)).toBe("Secret([Secret redacted], 4 bytes)");
    expect(s.length).toBe(4);
    expect([...s.expose()]).toEqual([1, 2, 3, 4]);
  });
});

describe("Secret lifecycle", () => {
  it("from copies, adopt takes ownership; wipe zeroes and blocks later use", () => {
    const raw = Uint8Array.of(9, 9, 9);
    const copy = Secret.from(raw);
    raw.fill(0);
    expect([...copy.expose()]).toEqual([9, 9, 9]);
    const owned = Uint8Array.of(7, 7);
    const adopted = Secret.adopt(owned);
    adopted.wipe();
    expect([...owned]).toEqual([0, 0]);
    expect(adopted.wiped).toBe(true);
    expect(() => adopted.expose()).toThrow(/wiped/);
    expect(() => adopted.use((b) => b.length)).toThrow(TypeError);
  });

  it("use() scopes access; equals() compares contents", () => {
    const a = Secret.from(Uint8Array.of(1, 2));
    expect(a.use((b) => b.length)).toBe(2);
    expect(a.equals(Secret.from(Uint8Array.of(1, 2)))).toBe(true);
    expect(a.equals(Secret.from(Uint8Array.of(1, 3)))).toBe(false);
    expect(() => Secret.from("ab" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("findSecret locates a Secret anywhere in a value (objects, arrays, maps, sets, cycles)", () => {
    const s = Secret.from(Uint8Array.of(1));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(findSecret({ a: [1, { b: s }] })).toBe("$.a[1].b");
    expect(findSecret(new Map([["k", s]]))).toBe("$[k]");
    expect(findSecret(new Set([1, s]))).toBe("$[1]");
    expect(findSecret(cyclic)).toBeUndefined();
    expect(findSecret({ bytes: Uint8Array.of(1) })).toBeUndefined();
  });
});
