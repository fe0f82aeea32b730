// The compact granted_at/revoked_at view: the seed's verdicts, and where they differ from the exact answer.
import { describe, expect, it } from "vitest";
import { compareWithCompactView } from "./compact-view.js";
import { DelegationIndex } from "./delegation-index.js";

describe("compareWithCompactView (seed 003 proposal B: granted_at overwritten on re-grant)", () => {
  const index = new DelegationIndex();
  index.apply({ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 });
  index.apply({ op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 });
  index.apply({ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000 });
  index.apply({ op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 2000 });
  const v = (at: number) => compareWithCompactView(index, 1234, "A", 1, at);

  it("stores only the latest interval", () => {
    expect(v(1500).compact).toEqual({ grantedAt: 1000, revokedAt: 2000, verdict: "authorized" });
  });

  it("needs history before the latest grant, where the exact index answers both ways", () => {
    expect(v(250)).toMatchObject({
      exact: { authorized: true },
      compact: { verdict: "needs-history" },
      differs: true,
    });
    expect(v(700)).toMatchObject({
      exact: { authorized: false },
      compact: { verdict: "needs-history" },
      differs: true,
    });
    expect(v(2500)).toMatchObject({
      exact: { authorized: false },
      compact: { verdict: "unauthorized" },
      differs: false,
    });
  });

  it("no entry → unauthorized in both", () => {
    expect(compareWithCompactView(index, 1234, "B", 1, 5)).toMatchObject({
      compact: { grantedAt: null, revokedAt: null, verdict: "unauthorized" },
      differs: false,
    });
  });
});
