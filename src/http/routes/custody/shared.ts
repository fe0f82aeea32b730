// Schemas and helpers shared by the routes of /v1/partitions.

import type { FastifyRequest } from "fastify";
import type { Scheme, SignOptions } from "../../../service/custody.js";
import { decodeBytes } from "../../encoding.js";
import type { Api } from "../../route-kit.js";
import { identitySchema, labelSchema, looseObject, partitionName } from "../../schemas.js";

export type IdentityReq = FastifyRequest<{
  Params: { partition: string; identity: string };
  Querystring: { label?: string; scheme?: Scheme };
}>;

export const schemeEnum = { type: "string", enum: ["ed25519", "secp256k1", "x25519", "bip340"] } as const;
export const partitionParams = {
  type: "object",
  required: ["partition"],
  properties: { partition: partitionName },
} as const;
export const identityParams = {
  type: "object",
  required: ["partition", "identity"],
  properties: {
    partition: partitionName,
    identity: identitySchema,
  },
} as const;
export const labelQuery = {
  type: "object",
  properties: { label: { ...labelSchema, description: "child label (default empty)" } },
} as const;
export const keyQuery = {
  type: "object",
  properties: { ...labelQuery.properties, scheme: schemeEnum },
} as const;
export const partitionInfo = looseObject("partition: name, epoch, createdAt");
export const fromParams = (req: FastifyRequest) => (req.params as { partition?: string }).partition;

export function ref(req: IdentityReq) {
  return {
    partition: req.params.partition,
    identity: req.params.identity,
    ...(req.query.label !== undefined ? { label: req.query.label } : {}),
  };
}

/** A lifecycle route: POST …/identities/:identity/<action> under `custody:admin`. */
export function lifecycle(
  app: Api,
  action: "rotate" | "suspend" | "resume" | "revoke" | "remap",
  summary: string,
  run: (req: IdentityReq) => Promise<unknown>,
): void {
  app.post(
    `/v1/partitions/:partition/identities/:identity/${action}`,
    {
      config: { scope: "custody:admin", partition: fromParams },
      schema: {
        summary,
        tags: ["custody"],
        operationId: `${action}Identity`,
        params: identityParams,
        querystring: labelQuery,
        response: { 200: looseObject(`${action} result`) },
      },
    },
    (req) => run(req as IdentityReq),
  );
}

/** The signing fields of a sign or sign-batch body (the schemas bound them). */
export interface SignFields {
  readonly scheme?: Scheme | undefined;
  readonly eip191?: boolean | undefined;
  readonly taproot?: boolean | undefined;
  readonly merkleRoot?: string | undefined;
}

/** Custody's sign options from a body: ed25519 by default; a `merkleRoot` (hex) wins over `taproot`. */
export function signOptions(body: SignFields): SignOptions {
  return {
    scheme: body.scheme ?? "ed25519",
    eip191: body.eip191 === true,
    ...(body.merkleRoot !== undefined
      ? { taproot: decodeBytes(body.merkleRoot, "hex", "body.merkleRoot") }
      : body.taproot !== undefined
        ? { taproot: body.taproot }
        : {}),
  };
}
