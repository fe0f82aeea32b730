// The check route's precompiled serializer writes exactly what JSON.stringify writes for every answer shape.
import fc from "fast-check";
import { expect, it } from "vitest";
import { serializeCheck } from "./shared.js";

it("serializeCheck equals JSON.stringify for every check answer", () => {
  const position = fc.maxSafeNat();
  const answer = fc.oneof(
    fc.record({ authorized: fc.boolean(), interval: fc.constant(null) }),
    fc.record({
      authorized: fc.boolean(),
      interval: fc.record({ from: position, until: fc.option(position, { nil: null }) }),
    }),
  );
  fc.assert(
    fc.property(answer, (r) => {
      expect(serializeCheck(r)).toBe(JSON.stringify(r));
    }),
    { numRuns: 500 },
  );
  expect(serializeCheck({ authorized: true, interval: { from: 0, until: null } })).toBe(
    '{"authorized":true,"interval":{"from":0,"until":null}}',
  );
});
