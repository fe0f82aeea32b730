// Crash-test child: runs multi-write transactions (state + secrets) forever until it is SIGKILLed.
// Usage: node --import tsx test/crash-writer.ts DB_URL CHILD_ID WRITES   (env KW_CRASH_KEY: 64 hex key material)
import { hexToBytes, utf8 } from "../src/crypto/bytes.js";
import { Secret } from "../src/crypto/secret.js";
import { openStorage } from "../src/store/open.js";

const [db, child, writes] = process.argv.slice(2);
const CRASH_WRITES = Number(writes);
const storage = await openStorage({
  db,
  unseal: { key: hexToBytes(process.env.KW_CRASH_KEY ?? "", "KW_CRASH_KEY", 32) },
});
process.stdout.write("ready\n");
for (let i = 1; ; i++) {
  await storage.transaction(async (tx) => {
    for (let j = 0; j < CRASH_WRITES; j++) {
      await tx.state.put("crash.txn", `${child}/${i}/${j}`, utf8(`${child}:${i}:${j}`));
      await tx.secrets.put("crash", `${child}/${i}/${j}`, Secret.from(utf8(`secret ${child}:${i}:${j}`)));
    }
    // Replace the previous transaction's temporary secret: exactly one must exist at any time.
    if (i > 1) await tx.secrets.delete("crash.tmp", `${child}/${i - 1}`);
    await tx.secrets.put("crash.tmp", `${child}/${i}`, Secret.from(utf8(`tmp ${i}`)));
    await tx.state.put("crash.counter", child!, utf8(String(i)));
    await tx.state.put("crash.done", `${child}/${String(i).padStart(8, "0")}`, utf8("1"));
  });
  // Acknowledged only after COMMIT returned: an acknowledged transaction must survive the kill.
  process.stdout.write(`committed ${i}\n`);
}
