// Identity canonicalisation: documented examples, rejections, and idempotence as a property.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertPartitionName, canonicalIdentity, canonicalLabel } from "./identity.js";

describe("canonicalIdentity", () => {
  it.each([
    [" Email:Alice@Example.COM ", "email:alice@example.com"],
    ["phone:+41 79 123-45-67", "phone:+41791234567"],
    ["phone:(+1) 415.555.0100", "phone:+14155550100"],
    ["evm:0xAbCdEf0123456789aBcDeF0123456789AbCdEf01", "evm:0xabcdef0123456789abcdef0123456789abcdef01"],
    ["GitHub:Octo-Cat", "github:octo-cat"],
    ["user: Mixed Case Id ", "user:Mixed Case Id"],
    ["did:key:z6MkhaXgBZD", "did:key:z6MkhaXgBZD"],
    // NFC: "e" + combining acute and the precomposed "é" are one identity.
    ["user:caf\u0065\u0301", "user:caf\u00e9"],
  ])("%s → %s", (input, expected) => {
    expect(canonicalIdentity(input).canonical).toBe(expected);
  });

  it.each([
    ["alice@example.com", /type:value/],
    [":value", /type/],
    ["email:", /empty/],
    ["email:   ", /empty/],
    ["em ail:a@b.co", /type/],
    ["email:not-an-email", /e-mail/],
    ["email:a b@example.com", /e-mail/],
    ["phone:0791234567", /E\.164/],
    ["evm:0x1234", /40 hex/],
    ["github:-bad", /GitHub/],
    ["user:line\nbreak", /control/],
    [`user:${"x".repeat(257)}`, /256/],
    ["user:\ud800", /well-formed/],
  ])("rejects %j", (input, message) => {
    expect(() => canonicalIdentity(input)).toThrow(RangeError);
    expect(() => canonicalIdentity(input)).toThrow(message);
  });

  it("rejects non-strings with a TypeError", () => {
    expect(() => canonicalIdentity(42)).toThrow(TypeError);
    expect(() => canonicalIdentity(undefined)).toThrow(TypeError);
  });

  it("is idempotent: a canonical identity canonicalises to itself (property)", () => {
    const type = fc.constantFrom("email", "phone", "evm", "github", "user", "acct-1");
    fc.assert(
      fc.property(type, fc.string({ minLength: 0, maxLength: 40 }), (t, v) => {
        let first: string;
        try {
          first = canonicalIdentity(`${t}:${v}`).canonical;
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          return;
        }
        expect(canonicalIdentity(first).canonical).toBe(first);
        expect(
          canonicalIdentity(` ${first.toUpperCase().slice(0, t.length)}${first.slice(t.length)} `).canonical,
        ).toBe(first);
      }),
      { numRuns: 500 },
    );
  });
});

describe("labels and partition names", () => {
  it("accepts the documented forms", () => {
    expect(canonicalLabel(undefined)).toBe("");
    expect(canonicalLabel("")).toBe("");
    expect(canonicalLabel("agent-1.v2_x")).toBe("agent-1.v2_x");
    expect(() => assertPartitionName("acme-prod.eu_1")).not.toThrow();
  });

  it("rejects separators, upper case and overlong values", () => {
    for (const bad of ["a/b", "Agent", "-x", "x".repeat(65), "a b"]) {
      expect(() => canonicalLabel(bad)).toThrow(RangeError);
      expect(() => assertPartitionName(bad)).toThrow(RangeError);
    }
    expect(() => canonicalLabel(3)).toThrow(TypeError);
    expect(() => assertPartitionName("")).toThrow(RangeError);
  });
});
