// Child process for the delegates process tests (replay across processes, SIGKILL crashes, session restarts).
// Usage: node --import tsx test/delegates-worker.ts <mode> <dbUrl> [args…]; unseal key hex in KW_TEST_KEY.
import { hexToBytes, utf8 } from "../src/crypto/bytes.js";
import { isKeywardError } from "../src/errors/keyward-error.js";
import { createDelegates } from "../src/service/delegates.js";
import { openStorage } from "../src/store/open.js";
import { openPostgresBackend } from "../src/store/postgres/postgres-backend.js";
import { SealedStorage } from "../src/store/sealed-storage.js";
import { unsealKeyring } from "../src/store/sealing/unseal.js";

const [mode, dbUrl, ...args] = process.argv.slice(2);
const key = hexToBytes(process.env.KW_TEST_KEY ?? "", "KW_TEST_KEY", 32);
// Postgres: a small pool per process so that ~10 processes stay well under the server's connection limit.
const storage = dbUrl?.startsWith("postgres")
  ? await (async () => {
      const raw = await openPostgresBackend(dbUrl, { max: 2 });
      return new SealedStorage(raw, await unsealKeyring(raw, { key }));
    })()
  : await openStorage({ db: dbUrl ?? "", unseal: { key } });
const delegates = await createDelegates(storage);
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (mode === "migrate") {
  // args: from to token attempts — fire all attempts at once, report each outcome.
  const [from, to, token, attempts] = args as [string, string, string, string];
  const results = await Promise.all(
    Array.from({ length: Number(attempts) }, () =>
      delegates.migrations.migrate(from, to, token).then(
        (r) => ({ ok: true, id: r.id, moved: r.moved }),
        (e: unknown) => ({
          ok: false,
          code: isKeywardError(e) ? e.code : String(e),
          message: (e as Error).message,
        }),
      ),
    ),
  );
  out(results);
} else if (mode === "crash-migrate") {
  // args: from to token — announce readiness, then migrate; the parent SIGKILLs us at a random moment.
  const [from, to, token] = args as [string, string, string];
  out({ ready: true });
  const r = await delegates.migrations.migrate(from, to, token);
  out({ done: true, moved: r.moved });
} else if (mode === "session-create") {
  // args: delegate fireInMs — create a session with one pending action, report it, then wait to be killed.
  const [delegate, fireIn] = args as [string, string];
  const now = Date.now();
  const s = await delegates.sessions.create(
    delegate,
    { messagePrefix: utf8("pay:"), maxUses: 3, expiresAt: now + 600_000 },
    [{ fireAt: now + Number(fireIn), message: utf8("pay:after-restart") }],
  );
  out({ session: s.id, publicKey: s.publicKey });
  setInterval(() => undefined, 60_000);
} else if (mode === "session-run") {
  const rehydrated = await delegates.sessions.rehydrate();
  out({ rehydrated, fired: await delegates.sessions.runDue() });
} else {
  throw new Error(`unknown mode ${mode}`);
}
if (mode !== "session-create") await storage.close();
