// A Frequency-mainnet-shaped delegation history for the import and cold-start benches: NDJSON events in normal
// form, every event with an id (block-extrinsic, as an archive sync yields), deterministic.

/**
 * Events of `delegators` delegators (≈ 2.1 events each): one grant of 1–3 scopes to one of 60 providers; every
 * 3rd delegator revokes one scope later, every 7th re-grants it, every 11th revokes the whole delegation.
 * Positions grow with the line number (block order), so the file applies in order.
 */
export function* mainnetEvents(delegators: number): Generator<string> {
  let block = 1_000_000;
  for (let d = 0; d < delegators; d++) {
    const delegator = 10_000 + d;
    const provider = 1 + (d % 60);
    const scopes = [1 + (d % 3), 4 + (d % 5), 9 + (d % 2)].slice(0, 1 + (d % 3));
    block += 1;
    yield JSON.stringify({ op: "grant", delegator, provider, scopes, at: block, id: `${block}-${d % 4}` });
  }
  for (let d = 0; d < delegators; d++) {
    const delegator = 10_000 + d;
    const provider = 1 + (d % 60);
    const scope = 1 + (d % 3);
    if (d % 3 === 0) {
      block += 1;
      yield JSON.stringify({
        op: "revoke",
        delegator,
        provider,
        scopes: [scope],
        at: block,
        id: `${block}-r`,
      });
    }
    if (d % 7 === 0 && d % 3 === 0) {
      block += 1;
      yield JSON.stringify({
        op: "grant",
        delegator,
        provider,
        scopes: [scope],
        at: block,
        id: `${block}-g`,
      });
    }
    if (d % 11 === 0) {
      block += 1;
      yield JSON.stringify({ op: "revoke", delegator, provider, at: block, id: `${block}-w` });
    }
    if (d % 2 === 1) {
      block += 1;
      const expiresAt = block + 50_000;
      yield JSON.stringify({
        op: "grant",
        delegator,
        provider,
        scopes: [12],
        at: block,
        expiresAt,
        id: `${block}-x`,
      });
    }
  }
}

/** Writes `mainnetEvents(delegators)` to `path` as NDJSON; returns the number of events. */
export async function writeMainnetFile(path: string, delegators: number): Promise<number> {
  const { createWriteStream } = await import("node:fs");
  const { once } = await import("node:events").then((m) => m.default);
  const out = createWriteStream(path);
  let n = 0;
  let buf = "";
  for (const line of mainnetEvents(delegators)) {
    n++;
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
  return n;
}
