// End-to-end `keyward room … --format river` and `keyward river validate-state` through the real CLI: the
// refusals a user meets (tampered state, wrong flags, a room keyward cannot own) and the JSON verdicts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { decodeChatRoomState, encodeChatRoomState } from "../src/interop/river/index.js";
import { runCli } from "./cli-run.js";

const root = mkdtempSync(join(tmpdir(), "keyward-river-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const contract = "test/fixtures/river/room_contract_current.wasm";
const at = (f: string) => join(root, f);

/** `keyward` on the replica in `root/<dir>`. */
const kw = (dir: string, ...args: string[]) => runCli(join(root, dir), args);

/** `keyward --json river validate-state` of the room contract on `state` (under parameters `p`) in replica a. */
const validate = (state: string) =>
  kw(
    "a",
    "--json",
    "river",
    "validate-state",
    "--contract",
    contract,
    "--parameters",
    at("p"),
    "--state",
    at(state),
  );

describe("keyward River CLI", { timeout: 240_000 }, () => {
  const seed = new Uint8Array(32).fill(0x55);
  writeFileSync(at("owner.seed"), bytesToHex(seed));
  const member = bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(6)));

  it("exports, judges, refuses what it should, and imports into the owner's room only", () => {
    expect(kw("a", "init").code).toBe(0);
    expect(kw("a", "room", "create", "--name", "r", "--owner-seed-file", at("owner.seed")).code).toBe(0);
    expect(kw("a", "room", "add", "--room", "r", "--member", member).code).toBe(0);
    const exp = kw(
      "a",
      "--json",
      "room",
      "export",
      "--room",
      "r",
      "--format",
      "river",
      "--out",
      at("s"),
      "--parameters-out",
      at("p"),
    );
    expect(exp.code).toBe(0);
    expect(JSON.parse(exp.out)).toMatchObject({
      format: "river",
      version: 0,
      out: at("s"),
      parameters: at("p"),
    });

    const ok = validate("s");
    expect(JSON.parse(ok.out)).toEqual({ valid: true, verdict: "Valid" });

    // One flipped signature byte: the contract says so (exit 0, valid=false), the import refuses (exit 1).
    const s = decodeChatRoomState(new Uint8Array(readFileSync(at("s"))));
    const sig = Uint8Array.from(s.configuration.signature);
    sig[10]! ^= 0x40;
    writeFileSync(
      at("bad"),
      encodeChatRoomState({ ...s, configuration: { ...s.configuration, signature: sig } }),
    );
    const bad = validate("bad");
    expect(bad.code).toBe(0);
    expect(JSON.parse(bad.out)).toMatchObject({ valid: false, verdict: "InvalidUpdateWithInfo" });
    expect(JSON.parse(bad.out).reason).toMatch(/Invalid signature/);
    const refused = kw("a", "room", "import", "--format", "river", at("bad"), "--parameters", at("p"));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^error invalid_signature: River state does not verify: configuration: bad owner signature/,
    );

    // Usage errors exit 2 naming the flag; a replica without the room cannot import it.
    expect(kw("a", "room", "export", "--room", "r", "--format", "xml", "--out", at("x")).err).toMatch(
      /--format/,
    );
    expect(kw("a", "room", "export", "--room", "r", "--format", "xml", "--out", at("x")).code).toBe(2);
    expect(kw("a", "room", "import", at("s"), "--parameters", at("p")).code).toBe(2);
    expect(
      kw("a", "river", "validate-state", "--contract", at("p"), "--parameters", at("p"), "--state", at("s"))
        .code,
    ).toBe(1);
    expect(kw("b", "init").code).toBe(0);
    const stranger = kw("b", "room", "import", "--format", "river", at("s"));
    expect(stranger.code).toBe(1);
    expect(stranger.err).toMatch(/^error not_found: no local room has this River room's owner/);
    expect(kw("b", "room", "create", "--name", "r", "--owner-seed-file", at("owner.seed")).code).toBe(0);
    const imported = kw("b", "--json", "room", "import", "--format", "river", at("s"));
    expect(JSON.parse(imported.out)).toMatchObject({ version: 0, foreignVersions: [], added: [] });
    expect(kw("b", "--json", "room", "show", "--room", "r").out).toContain(member);
  });
});
