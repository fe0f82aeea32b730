// Authorization matrix: every route × {no token, wrong scope, wrong partition, right token}.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES, type Scope } from "../src/service/tokens.js";
import { FIXTURE_PARTITION, type FixtureState, prepareFixtures } from "./http-fixture-state.js";
import { SAMPLES, type Sample } from "./http-fixtures.js";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly scope: string;
}

let t: TestApp;
let f: FixtureState;
const operations: Operation[] = [];

beforeAll(async () => {
  t = await startTestApp();
  f = await prepareFixtures(t);
  const doc = (await t.request("GET", "/openapi.json")).json() as {
    paths: Record<string, Record<string, { operationId: string; "x-keyward-scope": string }>>;
  };
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        scope: op["x-keyward-scope"],
      });
});
afterAll(async () => {
  const logs = t.logs.join("");
  for (const form of leakForms(t.issued)) expect(logs).not.toContain(form);
  await t.close();
});

function matches(op: Operation, sample: Sample): boolean {
  const re = new RegExp(`^${op.path.replace(/\{[^}]+\}/g, "[^/?]+")}(\\?.*)?$`);
  return sample.method === op.method && re.test(sample.url);
}

const send = (s: Sample, token?: string) =>
  t.request(s.method, s.url, {
    token,
    ...(s.body !== undefined ? { body: s.body } : {}),
    ...(s.contentType !== undefined ? { contentType: s.contentType } : {}),
  });

describe("authorization matrix", () => {
  it("every documented operation has a sample and every sample a route", () => {
    expect(operations.length).toBeGreaterThan(20);
    const ids = operations.map((o) => o.operationId);
    expect(ids.filter((id) => !SAMPLES[id])).toEqual([]);
    expect(Object.keys(SAMPLES).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("each route: no token → 401, wrong scope → 403, wrong partition → 403 (404 for rooms), right token → 2xx", async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const make = SAMPLES[op.operationId]!;
      const sample = await make(f);
      expect(matches(op, sample), `${op.operationId} sample matches ${op.method} ${op.path}`).toBe(true);
      if (op.scope === "public") {
        const res = await send(sample);
        if (res.statusCode >= 300) failures.push(`${op.operationId} public → ${res.statusCode}`);
        continue;
      }
      const scope = op.scope as Scope;
      const none = await send(sample);
      if (none.statusCode !== 401) failures.push(`${op.operationId} no token → ${none.statusCode}`);
      const other = SCOPES.find((s) => s !== scope && s !== "admin")!;
      const wrong = await send(sample, await t.token([other]));
      if (wrong.statusCode !== 403) failures.push(`${op.operationId} wrong scope → ${wrong.statusCode}`);
      const elsewhere = sample.partition ? `${sample.partition}-other` : FIXTURE_PARTITION;
      const bound = await send(sample, await t.token([scope], elsewhere));
      // Rooms of another partition are hidden from a bound token: 404, as for a room that does not exist.
      const refusal = op.path.startsWith("/v1/rooms/{room}") ? 404 : 403;
      if (bound.statusCode !== refusal)
        failures.push(`${op.operationId} wrong partition → ${bound.statusCode}`);
      const right = await send(await make(f), await t.token([scope]));
      if (right.statusCode >= 300)
        failures.push(`${op.operationId} right token → ${right.statusCode} ${right.body}`);
      if (sample.partition) {
        const fresh = await make(f);
        const sameBound = await send(fresh, await t.token([scope], fresh.partition));
        if (sameBound.statusCode >= 300)
          failures.push(`${op.operationId} token bound to its partition → ${sameBound.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
