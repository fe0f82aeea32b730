// The transaction guard: refuses auto-commit inside a transaction, forgets ended transactions (also in async
// work they left behind), and tracks nothing when no transaction runs.
import { expect, it } from "vitest";
import { assertOutsideTransaction, runInTransaction } from "./tx-guard.js";

const outside = (owner: object) => {
  try {
    assertOutsideTransaction(owner, "auto-commit storage");
    return true;
  } catch {
    return false;
  }
};

it("refuses inside (also nested), allows outside, other owners and work an ended transaction left behind", async () => {
  const owner = {};
  const other = {};
  let lateCheck: Promise<boolean> | undefined;
  await runInTransaction(owner, async () => {
    await Promise.resolve();
    expect(() => assertOutsideTransaction(owner, "auto-commit storage")).toThrow(
      /auto-commit storage called inside a transaction/,
    );
    expect(outside(other)).toBe(true);
    await runInTransaction(other, async () => {
      await Promise.resolve();
      expect(outside(owner)).toBe(false);
      expect(outside(other)).toBe(false);
    });
    expect(outside(other)).toBe(true);
    // A timer set here fires after this transaction has ended, while another one runs: not inside this one.
    lateCheck = new Promise((resolve) => setTimeout(() => resolve(outside(owner)), 20));
  });
  expect(outside(owner)).toBe(true);
  await runInTransaction(other, async () => {
    expect(await lateCheck).toBe(true);
  });
  await runInTransaction(owner, async () => {
    expect(outside(owner)).toBe(false);
  });
  expect(outside(owner)).toBe(true);
});
