// Batch digests of the import's two passes: one run of bytes per stretch of lines is the digest of each line + LF.
import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { BatchDigests } from "./import-lines.js";
import { forEachLineBytes } from "./line-bytes.js";

it("BatchDigests hashes each line and an LF, whatever the line endings and chunk boundaries", async () => {
  const text = '\uFEFF{"a":1}\r\n\n{"b":2}\n  \r\n{"c":3}\n{"d":4}\n{"e":5}\r\n{"f":6}';
  const lines = ['{"a":1}', "", '{"b":2}', "  ", '{"c":3}', '{"d":4}', '{"e":5}', '{"f":6}'];
  const blank = (l: string) => l.trim() === "";
  // Reference: batches of 2 events over the lines after line 1, each line followed by LF.
  const want: string[] = [];
  let h = createHash("sha256");
  let n = 0;
  for (const l of lines.slice(1)) {
    h.update(`${l}\n`);
    if (!blank(l) && ++n === 2) {
      want.push(h.digest("hex"));
      h = createHash("sha256");
      n = 0;
    }
  }
  want.push(h.digest("hex"));
  const bytes = Buffer.from(text);
  for (const size of [1, 3, 7, 16, bytes.length]) {
    const d = new BatchDigests(2);
    await forEachLineBytes(
      (async function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      })(),
      (buf, start, end, line) => {
        if (line > 1) d.add(buf, start, end, !blank(buf.toString("utf8", start, end)));
      },
    );
    d.close();
    expect(d.digests.map((x) => x.toString("hex"))).toEqual(want);
  }
});
