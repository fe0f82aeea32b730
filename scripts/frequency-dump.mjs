// Dumps Frequency's msa events, each with the `DelegatorAndProviderToDelegation` storage value read at its block,
// as `keyward delegations import --format frequency` reads them (docs/delegations.md, "Frequency dump").
// Needs an archive node once; after the import the validator never does again. Not run by keyward's tests.
//
//   npm install @polkadot/api @frequency-chain/api-augment
//   node scripts/frequency-dump.mjs wss://archive.example:443 [FROM_BLOCK=1] [TO_BLOCK=finalized head] > msa.ndjson
//
// Output: one line per msa event, in block order (events of one block in their order):
//   {"block":N,"event":{"section":"msa","method":"DelegationGranted","data":{"providerId":1,"delegatorId":1234}},
//    "delegation":{"revokedAt":0,"permissions":{"5":0}}}
// `delegation` (Option<Delegation>.toJSON(): null or {revokedAt, permissions}) only on DelegationGranted,
// DelegationUpdated and DelegationRevoked lines. Interrupted? Re-run from the last block written, and drop that
// block's lines from the old file first (keyward refuses lines that go back in time).
import { options } from "@frequency-chain/api-augment"; // must come before @polkadot/api (its type augmentation)
import { ApiPromise, WsProvider } from "@polkadot/api";

const [url, fromArg = "1", toArg] = process.argv.slice(2);
if (!url) {
  process.stderr.write("usage: node scripts/frequency-dump.mjs WS_URL [FROM_BLOCK] [TO_BLOCK]\n");
  process.exit(2);
}
const WITH_STORAGE = new Set(["DelegationGranted", "DelegationUpdated", "DelegationRevoked"]);
const IN_FLIGHT = 8; // blocks fetched concurrently; lines are still written in block order
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

const api = await ApiPromise.create({ ...options, provider: new WsProvider(url) });
const head = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
const from = Number(fromArg);
const to = toArg === undefined ? head : Math.min(Number(toArg), head);

/** The msa lines of block n, with each delegation event's storage value read at that block. */
async function blockLines(n) {
  const hash = await api.rpc.chain.getBlockHash(n);
  const at = await api.at(hash);
  const lines = [];
  for (const { event } of await at.query.system.events()) {
    if (event.section !== "msa") continue;
    // Named fields, camelCased as polkadot.js exposes them (event.data.providerId).
    const names = event.data.names ?? [];
    const data = Object.fromEntries(event.data.map((v, i) => [camel(names[i] ?? String(i)), v.toJSON()]));
    const line = { block: n, event: { section: "msa", method: event.method, data } };
    if (WITH_STORAGE.has(event.method)) {
      const value = await at.query.msa.delegatorAndProviderToDelegation(data.delegatorId, data.providerId);
      line.delegation = value.toJSON();
    }
    lines.push(JSON.stringify(line));
  }
  return lines;
}

let written = 0;
for (let n = from; n <= to; n += IN_FLIGHT) {
  const batch = [];
  for (let k = n; k < Math.min(n + IN_FLIGHT, to + 1); k++) batch.push(blockLines(k));
  for (const lines of await Promise.all(batch))
    for (const l of lines) {
      process.stdout.write(`${l}\n`);
      written++;
    }
  if ((n - from) % 10_000 < IN_FLIGHT) process.stderr.write(`block ${n}/${to}: ${written} msa events\n`);
}
process.stderr.write(`done: blocks ${from}–${to}, ${written} msa events\n`);
await api.disconnect();
