// Schemas and helpers shared by the cosigner routes: hex rows per message, session ids, rounds.
import type { FastifyRequest } from "fastify";
import { hexToBytes } from "../../../service/primitives.js";
import { looseObject } from "../../schemas.js";

export const hexOf = (n: number) => ({ type: "string", pattern: `^[0-9a-fA-F]{${n * 2}}$` }) as const;
export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
export const perMessage = <const T extends object>(item: T, description: string) =>
  ({ type: "array", minItems: 1, maxItems: 4096, items: item, description }) as const;
export const rowsOf = (n: number, description: string) =>
  perMessage({ type: "array", minItems: 1, maxItems: 64, items: hexOf(n) }, description);
export const round = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
/** The body of the routes over a signed round (verify, aggregate): the round, partial signatures per message. */
export const signedRoundBody = <const P extends object>(partialSigs: string, more: P) =>
  ({
    type: "object",
    required: ["round", "partialSigs"],
    additionalProperties: false,
    properties: { round, partialSigs: rowsOf(32, partialSigs), ...more },
  }) as const;
export const info = looseObject(
  "cosigner session: id, delegate, share (reference), publicKey, participants, signerIndex, tweaks, aggregateKey, internalKey, messages, expiresAt, round, rounds",
);

export type Rows = string[][];
export const bytesRows = (rows: Rows, name: string) =>
  rows.map((r, m) => r.map((h, j) => hexToBytes(h, `${name}[${m}][${j}]`)));

/** The partition a create request's custody share names (partition-bound tokens may use only theirs). */
export const sharePartition = (req: FastifyRequest) =>
  (req.body as { share?: { partition?: string } } | undefined)?.share?.partition;
