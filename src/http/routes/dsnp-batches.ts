// /v1/delegations/validate/parquet: a DSNP batch file uploaded as the raw body (streamed to disk under the body
// limit), validated for ?provider at ?at [&intent] [&semantics]; the summary names a verdicts download.

import { Readable } from "node:stream";
import { KeywardError } from "../../errors/keyward-error.js";
import { normalizeId, parseSemantics } from "../../service/delegation-inputs.js";
import { DsnpUploads } from "../../service/dsnp-uploads.js";
import type { RouteModule } from "../route-kit.js";
import { idQuery, looseObject, position } from "../schemas.js";

/** Media types of a Parquet upload (the IANA registration, and plain bytes). */
export const PARQUET_TYPES = ["application/vnd.apache.parquet", "application/octet-stream"] as const;

/** Registers the DSNP batch routes; uploads and kept verdicts are removed when the app closes. */
export const dsnpBatchRoutes: RouteModule = async (app, kw) => {
  const delegations = kw.delegations;
  const uploads = await DsnpUploads.open(delegations);
  app.addHook("onClose", async () => uploads.close());
  // The body stays a stream: DsnpUploads writes it to a file, counting bytes against the limit.
  app.addContentTypeParser([...PARQUET_TYPES], (_req, payload, done) => done(null, payload));
  const limit = app.initialConfig.bodyLimit ?? 16 * 1024 * 1024;

  app.post(
    "/v1/delegations/validate/parquet",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary:
          "Validate a DSNP batch file (application/vnd.apache.parquet, any announcement type): every row's fromId " +
          "delegated to ?provider (for ?intent) at block ?at; ?semantics=keyward|frequency (default: the " +
          "provider's, frequency when imported from Frequency). The summary names the verdicts download.",
        tags: ["delegations"],
        operationId: "validateDsnpBatch",
        querystring: {
          type: "object",
          required: ["provider", "at"],
          additionalProperties: false,
          properties: {
            provider: idQuery,
            at: position,
            intent: idQuery,
            semantics: { type: "string", enum: ["keyward", "frequency"] },
          },
        },
        response: {
          200: looseObject(
            "announcementType, type, provider, at, intent, semantics, rows, authorized, unauthorized, invalid, " +
              "verdicts {id, href, expiresAt}",
          ),
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (!(req.body instanceof Readable))
        throw new KeywardError("unsupported_media_type", `body must be ${PARQUET_TYPES.join(" or ")}`);
      if (Number(req.headers["content-length"]) > limit)
        throw new KeywardError("payload_too_large", `the batch file is larger than ${limit} bytes`);
      const r = await uploads.validate(req.body, limit, {
        provider: normalizeId(q.provider, "provider"),
        at: q.at,
        ...(q.intent === undefined ? {} : { intent: normalizeId(q.intent, "intent") }),
        ...(q.semantics === undefined ? {} : { semantics: parseSemantics(q.semantics, "semantics") }),
      });
      return {
        ...r,
        verdicts: { ...r.verdicts, href: `/v1/delegations/validations/${r.verdicts.id}/verdicts` },
      };
    },
  );

  app.get(
    "/v1/delegations/validations/:id/verdicts",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "The per-row verdicts (NDJSON) of an uploaded batch's validation, kept 15 minutes",
        tags: ["delegations"],
        operationId: "dsnpBatchVerdicts",
        params: {
          type: "object",
          required: ["id"],
          properties: { id: { type: "string", pattern: "^[A-Za-z0-9_-]{22}$" } },
        },
      },
    },
    async (req, reply) => reply.type("application/x-ndjson").send(uploads.verdicts(req.params.id)),
  );
};
