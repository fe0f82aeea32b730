// Test helper: reads the vendored external vector files from test/vectors/ (byte-identical copies, never edited).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Directory of the vendored vector files: `<project root>/test/vectors/` (provenance in its README). */
export const VECTORS_DIR = fileURLToPath(new URL("../../test/vectors/", import.meta.url));

/** Parses one JSON vector file by name, e.g. "wycheproof_ed25519_test.json". */
export function readVectors<T>(file: string): T {
  return JSON.parse(readFileSync(`${VECTORS_DIR}${file}`, "utf8")) as T;
}

/** One Wycheproof test case: the shared fields plus the suite's own (key, iv, msg, sig, …). */
export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: "valid" | "invalid" | "acceptable";
  readonly [field: string]: unknown;
}

/** A Wycheproof file: groups of tests sharing parameters (key sizes, a public key, …). */
export interface WycheproofFile<G = Record<string, unknown>> {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly (G & { readonly tests: readonly WycheproofTest[] })[];
}

/** Every test of a file with its group, and a check that none was lost (numberOfTests). */
export function wycheproofCases<G>(file: WycheproofFile<G>): { group: G; test: WycheproofTest }[] {
  const out = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
  if (out.length !== file.numberOfTests)
    throw new Error(`expected ${file.numberOfTests} tests, found ${out.length}`);
  return out;
}

/** A string field of a Wycheproof test (hex fields are strings). */
export function field(test: WycheproofTest, name: string): string {
  const v = test[name];
  if (typeof v !== "string") throw new Error(`test ${test.tcId} has no string field ${name}`);
  return v;
}
