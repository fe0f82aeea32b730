// The OpenAPI document's bounds are the validators' bounds: every identity, label, expiresAt and fireAt field in
// /openapi.json is walked, and the value at its limit is accepted, one past it refused, by the schema and the code.
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalIdentity, canonicalLabel, IDENTITY_MAX, LABEL_MAX } from "../custody/identity.js";
import { assertTime, MAX_TIME_MS } from "../delegates/validate.js";
import { createKeyward, type Keyward } from "../service/keyward.js";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { buildApp } from "./app.js";
import { createLogger } from "./logging.js";

type Node = Record<string, unknown>;
let t: TestStorage;
let kw: Keyward;
const found = new Map<string, { path: string; schema: Node }[]>();
const FIELDS = ["identity", "label", "expiresAt", "fireAt"];

function walk(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Node;
  if (path.endsWith("/responses")) return; // bounds on input only
  if (obj.properties && typeof obj.properties === "object")
    // A token's `label` is its free-text name (200 characters), not a custody child label.
    for (const [name, schema] of Object.entries(obj.properties as Node))
      if (FIELDS.includes(name) && !(name === "label" && path.includes("/v1/tokens")))
        found.set(name, [...(found.get(name) ?? []), { path, schema: schema as Node }]);
  // Query parameters carry their schema beside the name.
  if (typeof obj.name === "string" && FIELDS.includes(obj.name) && obj.schema)
    found.set(obj.name, [...(found.get(obj.name) ?? []), { path, schema: obj.schema as Node }]);
  for (const [k, v] of Object.entries(obj)) walk(v, `${path}/${k}`);
}

beforeAll(async () => {
  t = await openTestSqliteStorage();
  kw = await createKeyward(t.storage);
  const app = await buildApp(kw, { logger: createLogger({ level: "silent" }), limits: false });
  const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
  await app.close();
  walk(doc.paths, "paths");
});
afterAll(async () => {
  await kw.close();
  await t.cleanup();
});

const ajv = new Ajv({ strict: false });
const schemaAccepts = (schema: Node, value: unknown) =>
  ajv.validate({ ...schema, nullable: undefined }, value);
const accepts = (fn: () => unknown) => {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
};
// 😀 is one code point and two UTF-16 units: the limits count code points on both sides.
const identityOf = (n: number) => `${"t".repeat(32)}:${"😀".repeat(n - 33)}`;

describe("OpenAPI bounds equal the validators' bounds", () => {
  it("identity: at most IDENTITY_MAX code points, by the schema and by canonicalIdentity", () => {
    const all = found.get("identity") ?? [];
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { path, schema } of all) {
      expect(schema.maxLength, path).toBe(IDENTITY_MAX);
      expect(schemaAccepts(schema, identityOf(IDENTITY_MAX)), path).toBe(true);
      expect(schemaAccepts(schema, identityOf(IDENTITY_MAX + 1)), path).toBe(false);
    }
    expect(accepts(() => canonicalIdentity(identityOf(IDENTITY_MAX)))).toBe(true);
    expect(accepts(() => canonicalIdentity(identityOf(IDENTITY_MAX + 1)))).toBe(false);
  });

  it("label: at most LABEL_MAX characters, by the schema and by canonicalLabel", () => {
    const all = found.get("label") ?? [];
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { path, schema } of all) {
      expect(schema.maxLength, path).toBe(LABEL_MAX);
      expect(schemaAccepts(schema, "a".repeat(LABEL_MAX)), path).toBe(true);
      expect(schemaAccepts(schema, "a".repeat(LABEL_MAX + 1)), path).toBe(false);
    }
    expect(accepts(() => canonicalLabel("a".repeat(LABEL_MAX)))).toBe(true);
    expect(accepts(() => canonicalLabel("a".repeat(LABEL_MAX + 1)))).toBe(false);
  });

  it("expiresAt and fireAt: epoch milliseconds up to MAX_TIME_MS, by the schema and by assertTime", () => {
    let checked = 0;
    for (const field of ["expiresAt", "fireAt"])
      for (const { path, schema } of found.get(field) ?? []) {
        const int = (schema.anyOf as Node[] | undefined)?.find((s) => s.type === "integer");
        if (!int) continue; // a response field (ISO string): not a bound on input
        checked++;
        expect(int.maximum, path).toBe(MAX_TIME_MS);
        expect(schemaAccepts(schema, MAX_TIME_MS), path).toBe(true);
        expect(schemaAccepts(schema, MAX_TIME_MS + 1), path).toBe(false);
      }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(accepts(() => assertTime(MAX_TIME_MS, "expiresAt"))).toBe(true);
    expect(accepts(() => assertTime(MAX_TIME_MS + 1, "expiresAt"))).toBe(false);
  });
});
