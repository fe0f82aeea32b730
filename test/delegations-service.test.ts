// Delegations service wiring: the sealed checkpoint key is created once and reused; proofs against an older
// checkpoint are built from the log prefix it covers; checkpoints are idempotent per log position.
import { describe, expect, it } from "vitest";
import { verifyDelegationProof } from "../src/delegations/verify-proof.js";
import {
  CHECKPOINT_KEY_NAME,
  DELEGATIONS_SECRET_NAMESPACE,
  DelegationsService,
} from "../src/service/delegations.js";
import { openStorage } from "../src/store/open.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

describe("DelegationsService", () => {
  it("checkpoints with one sealed key, proves against the newest checkpoint after the log moved on", async () => {
    const t = await openTestSqliteStorage();
    try {
      const svc = await DelegationsService.open(t.storage);
      await svc.store.write([
        { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 },
        { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 },
      ]);
      const cp = await svc.checkpoint();
      expect(await svc.checkpoint()).toEqual(cp);
      expect(await t.storage.secrets.list(DELEGATIONS_SECRET_NAMESPACE)).toEqual([CHECKPOINT_KEY_NAME]);
      // The log moves on after the checkpoint: the proof still matches the checkpoint's state.
      await svc.store.write([{ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000 }]);
      const { checkpoint, proof } = await svc.prove(1234, "A", 1);
      expect(checkpoint).toEqual(cp);
      expect("intervals" in proof && proof.intervals).toEqual([[100, 400]]);
      expect(verifyDelegationProof(proof, checkpoint, cp.publicKey, 1500)).toMatchObject({
        authorized: false,
        seq: 2,
      });
      // A key never granted at that checkpoint (granted later, or never): a verifiable proof of absence.
      const none = await svc.prove(99, "A", 1);
      expect(none.proof).toMatchObject({ absent: true, delegator: 99 });
      expect(verifyDelegationProof(none.proof, none.checkpoint, cp.publicKey, 1500)).toMatchObject({
        authorized: false,
        absent: true,
      });
      await t.storage.close();
      const storage = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
      try {
        const again = await DelegationsService.open(storage);
        const next = await again.checkpoint();
        expect(next).toMatchObject({ seq: 3, publicKey: cp.publicKey });
        expect(await again.latestCheckpoint()).toEqual(next);
      } finally {
        await storage.close();
      }
    } finally {
      await t.cleanup();
    }
  });

  it("prove without any checkpoint is not_found", async () => {
    const t = await openTestSqliteStorage();
    try {
      const svc = await DelegationsService.open(t.storage);
      await expect(svc.prove(1, 2, 3)).rejects.toMatchObject({ code: "not_found" });
    } finally {
      await t.cleanup();
    }
  });
});
