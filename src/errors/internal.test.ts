// Redaction of secret-looking runs in logged causes: tokens, hex keys and base64 keys go, paths and words stay.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeCause, newErrorId, redactSecretLike } from "./internal.js";

describe("redactSecretLike", () => {
  it("removes hex keys, API tokens and base64 keys; keeps paths, names and short ids", () => {
    const key = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
    const token = "kw_d334416b356db11c_QWCu7WfuErFEi7tozlncEiMjWXOvbekSyaDBD4x78tI";
    const b64 = "QWCu7WfuErFEi7tozlncEiMjWXOvbekSyaDBD4x78tI=";
    const text = `bad ${key} and ${token} and ${b64} at /work/main/node_modules/better-sqlite3/lib/methods/pragma.js:10`;
    const out = redactSecretLike(text);
    for (const s of [key, "QWCu7WfuErFEi7tozlncEiMjWXOvbekSyaDBD4x78tI"]) expect(out).not.toContain(s);
    expect(out).toContain("/work/main/node_modules/better-sqlite3/lib/methods/pragma.js:10");
    expect(redactSecretLike("partition acme not found (req-12)")).toBe("partition acme not found (req-12)");
  });

  it("never lets a 32-byte hex or base64url value through, wherever it stands", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string(),
        fc.string(),
        (bytes, a, b) => {
          for (const enc of [Buffer.from(bytes).toString("hex")])
            expect(redactSecretLike(`${a} ${enc} ${b}`)).not.toContain(enc);
        },
      ),
    );
  });

  it("describes a cause without its secret-looking runs; error ids are short and random", () => {
    const err = new Error(`boom ${"ab".repeat(32)}`);
    expect(describeCause(err)).toMatchObject({ name: "Error", message: "boom [redacted]" });
    expect(describeCause("plain")).toEqual({ name: "string", message: "plain" });
    expect(newErrorId()).toMatch(/^err_[0-9a-f]{12}$/);
    expect(newErrorId()).not.toBe(newErrorId());
  });
});
