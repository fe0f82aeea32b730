// The HTTP service starts on a damaged delegation index snapshot: full replay, a warning in its log, correct answers.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DelegationStore } from "../src/delegations/delegation-store.js";
import { snapshotManifest } from "../src/delegations/snapshot-store.js";
import { createLogger } from "../src/http/logging.js";
import { startServer } from "../src/http/server.js";
import { createKeyward } from "../src/service/keyward.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

describe("keyward serve with a damaged index snapshot", () => {
  it("logs a warning and answers from the full replay", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      await store.write([{ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 }]);
      await store.snapshot();
      await store.write([{ op: "revoke", delegator: 1234, provider: "A", at: 400 }]);
      // The SQLite store keeps the snapshot as a file next to the database: it goes missing.
      const file = (await snapshotManifest(t.storage))!.file!;
      rmSync(join(t.storage.derivedDir!, file));

      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const kw = await createKeyward(t.storage);
      const server = await startServer(kw, { host: "127.0.0.1", port: 0, logger: createLogger({ stream }) });
      try {
        expect(kw.delegations.store.opened).toMatchObject({
          snapshot: "failed",
          snapshotSeq: 1,
          replayed: 2,
        });
        expect(kw.delegations.store.index.check(1234, "A", 1, 200).interval).toEqual({
          from: 100,
          until: 400,
        });
        const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === 40);
        expect(warning).toMatchObject({
          msg: expect.stringMatching(/^delegation index snapshot not used/),
          reason: `delegation index snapshot is corrupt: file ${file} is missing`,
          snapshotSeq: 1,
          replayed: 2,
        });
      } finally {
        await server.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});
