// The CLI's backup of a PostgreSQL store (passphrase-sealed), restored into a SQLite data dir and another schema.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { dropTestSchema, testPostgresUrl } from "../src/store/testing.js";
import { cleanEnv, runCliProcess } from "./http-process.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-backup-pg-cli-"));
const source = `kw_i23b_${bytesToHex(randomBytes(6))}`;
const target = `kw_i23b_${bytesToHex(randomBytes(6))}`;
const env = cleanEnv({ KEYWARD_PASSPHRASE: "correct horse battery staple for backups" });
afterAll(async () => {
  await dropTestSchema(source);
  await dropTestSchema(target);
  rmSync(dir, { recursive: true, force: true });
});

describe("keyward backup / restore on PostgreSQL", () => {
  it("exports a PostgreSQL store into a file that restores into SQLite and into an empty schema", async () => {
    const db = testPostgresUrl(source);
    const data = join(dir, "pg-data");
    expect((await runCliProcess(["--data", data, "--db", db, "init"], env)).code).toBe(0);
    const put = await runCliProcess(
      ["--data", data, "--db", db, "secret", "put", "pg-api"],
      env,
      "pg-value-42",
    );
    expect(put.code, put.stderr).toBe(0);
    expect((await runCliProcess(["--data", data, "--db", db, "partition", "create", "acme"], env)).code).toBe(
      0,
    );
    const file = join(dir, "pg.backup");
    const made = await runCliProcess(["--db", db, "backup", "--out", file, "--json"], env);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ source: "postgres", secrets: 3 });

    const restored = join(dir, "restored");
    const r1 = await runCliProcess(["--data", restored, "restore", file], env);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/all verified: \d+ records, 3 secrets, 1 audit entries/);
    const got = await runCliProcess(["--data", restored, "secret", "get", "pg-api", "--reveal"], env);
    expect(got.stdout).toBe("pg-value-42");

    const into = testPostgresUrl(target);
    const r2 = await runCliProcess(
      ["--data", join(dir, "unused"), "--db", into, "restore", file, "--json"],
      env,
    );
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ target: "postgres", secrets: 3, auditEntries: 1 });
    const audit = await runCliProcess(["--data", join(dir, "unused"), "--db", into, "audit", "verify"], env);
    expect(audit.stdout.trim()).toBe("audit log ok: 1 entries");
    // The restored schema is no longer empty; the source never was.
    const again = await runCliProcess(["--db", into, "restore", file], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("error already_exists: the PostgreSQL store is not empty");
    // A wrong passphrase opens nothing and restores nothing.
    const wrong = await runCliProcess(["--data", join(dir, "wrong"), "restore", file], {
      ...env,
      KEYWARD_PASSPHRASE: "not the passphrase",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error unseal_failed: .*nothing was restored/);
    expect((await runCliProcess(["--data", join(dir, "wrong"), "secret", "list"], env)).code).toBe(1);
  });
});
