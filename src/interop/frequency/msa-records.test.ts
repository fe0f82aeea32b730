// Dump lines in the shapes polkadot.js produces: toHuman() (strings, thousands separators) and toJSON()
// (numbers), camelCase event fields, Option<Delegation> as null or {revokedAt, permissions}.
import { describe, expect, it } from "vitest";
import { msaInteger, parseMsaRecord } from "./msa-records.js";

const line = (o: unknown) => parseMsaRecord(JSON.parse(JSON.stringify(o)));

describe("Frequency msa dump lines", () => {
  it("reads toHuman() and toJSON() shapes alike", () => {
    const human = line({
      block: "1,000",
      event: { section: "msa", method: "DelegationGranted", data: { providerId: "1", delegatorId: "1,234" } },
      delegation: { revokedAt: "0", permissions: { "6": "0", "5": "999" } },
    });
    const json = line({
      block: 1000,
      event: { section: "msa", method: "DelegationGranted", data: { providerId: 1, delegatorId: 1234 } },
      delegation: { revokedAt: 0, permissions: { "5": 999, "6": 0 } },
    });
    const want = {
      kind: "delegation",
      block: 1000,
      method: "DelegationGranted",
      delegator: 1234,
      provider: 1,
      delegation: {
        revokedAt: 0,
        permissions: [
          [5, 999],
          [6, 0],
        ],
      },
    };
    expect(human).toEqual(want);
    expect(json).toEqual(want);
  });

  it("reads MsaRetired and passes other msa events through", () => {
    expect(
      line({ block: 7, event: { section: "msa", method: "MsaRetired", data: { msaId: "12" } } }),
    ).toEqual({
      kind: "retired",
      block: 7,
      msaId: 12,
    });
    expect(
      line({
        block: 7,
        event: { section: "msa", method: "PublicKeyAdded", data: { msaId: "12", key: "5F…" } },
      }),
    ).toEqual({
      kind: "other",
      block: 7,
      method: "PublicKeyAdded",
    });
  });

  it("refuses what it cannot read, naming the field", () => {
    const ev = { section: "msa", method: "DelegationRevoked", data: { providerId: 1, delegatorId: 2 } };
    expect(() => line({ block: 1, event: ev })).toThrow(
      /delegation \(the storage value at block 1\) is required/,
    );
    expect(() => line({ block: 1, event: { ...ev, section: "balances" } })).toThrow(
      /event.section must be "msa"/,
    );
    expect(() => line({ block: -1, event: ev, delegation: null })).toThrow(/block must be an integer/);
    expect(() => line({ block: 1, event: ev, delegation: { revokedAt: "1,00" } })).toThrow(
      /delegation.revokedAt/,
    );
    expect(() => line({ block: 1, event: ev, delegation: { revoked_at: 0 } })).toThrow(
      /unknown field "revoked_at"/,
    );
    expect(() => line({ block: 1, event: ev, delegation: null, extra: 1 })).toThrow(/unknown field "extra"/);
    expect(() => line({ block: 1, event: { ...ev, data: { providerId: 1 } }, delegation: null })).toThrow(
      /event.data.delegatorId/,
    );
    expect(() => msaInteger("9007199254740992", "x")).toThrow(/x must be between 0 and 2\^53-1/);
    expect(msaInteger("12,345,678", "x")).toBe(12345678);
  });
});
