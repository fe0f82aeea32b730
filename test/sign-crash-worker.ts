// Sign-crash child: signs in a loop (single calls and batches, several in flight) and prints every signature
// as soon as it is returned, until it is SIGKILLed.
// Usage: node sign-crash-worker.mjs DB_URL RUN_ID   (env KW_CRASH_KEY: 64 hex key material)
import { bytesToHex, hexToBytes, utf8 } from "../src/crypto/bytes.js";
import { createCustody } from "../src/service/custody.js";
import { openStorage } from "../src/store/open.js";

const [db, run] = process.argv.slice(2);
const storage = await openStorage({
  db,
  unseal: { key: hexToBytes(process.env.KW_CRASH_KEY ?? "", "KW_CRASH_KEY", 32) },
});
const { custody } = await createCustody(storage, { actor: `crash:${run}` });
const refs = Array.from({ length: 4 }, (_, i) => ({ partition: "crash", identity: `user:u${i}` }));
process.stdout.write("ready\n");
let n = 0;
const report = (message: Uint8Array, sig: { signature: string; publicKey: string }) =>
  process.stdout.write(`sig ${bytesToHex(message)} ${sig.publicKey} ${sig.signature}\n`);
const lane = async (k: number) => {
  for (;;) {
    const ref = refs[(n + k) & 3]!;
    if (n % 5 === 0) {
      const messages = Array.from({ length: 8 }, () => utf8(`${run}/${k}/${n++}`));
      const sigs = await custody.signMany(ref, messages);
      for (const [i, s] of sigs.entries()) report(messages[i]!, s);
    } else {
      const message = utf8(`${run}/${k}/${n++}`);
      report(message, await custody.sign(ref, message));
    }
  }
};
await Promise.all(Array.from({ length: 8 }, (_, k) => lane(k)));
