// Test helper: the KeywardError a refused operation rejects with.
import { expect } from "vitest";
import { KeywardError } from "../src/errors/keyward-error.js";

/** Awaits `p` and returns its rejection, failing the test unless `p` rejects with a KeywardError. */
export async function refusal(p: Promise<unknown>): Promise<KeywardError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeywardError);
  return err as KeywardError;
}
