// GET /v1/delegations/check: was provider P allowed to act for delegator D on scope S at position N?.
import { type CheckResult, parseSemantics } from "../../../service/delegation-inputs.js";
import { ProviderReadings } from "../../../service/dsnp-batches.js";
import type { RouteModule } from "../../route-kit.js";
import { checkSemanticsQuery, interval, serializeCheck } from "./shared.js";

/** Registers `GET /v1/delegations/check`. */
export const checkDelegation: RouteModule = (app, kw) => {
  const service = kw.delegations;
  const readings = new ProviderReadings(service);
  app.get(
    "/v1/delegations/check",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "Was provider P allowed to act for delegator D on scope S at position N?",
        tags: ["delegations"],
        operationId: "checkDelegation",
        querystring: checkSemanticsQuery,
        response: {
          200: {
            type: "object",
            required: ["authorized", "interval"],
            properties: { authorized: { type: "boolean" }, interval, semantics: { type: "string" } },
          },
        },
      },
      // The schema above documents the answer; this writes its two shapes directly (issue 12: the hot path).
      serializerCompiler: ({ httpStatus }) =>
        httpStatus === "200"
          ? (r) =>
              (r as { semantics?: string }).semantics === undefined
                ? serializeCheck(r as CheckResult)
                : JSON.stringify(r)
          : (r) => JSON.stringify(r),
    },
    // Synchronous for providers read with keyward's rule (no promise per request on the hot path; a throw
    // still reaches the error handler). Providers imported from Frequency answer with its inclusive rule
    // unless ?semantics=keyward (docs/frequency-dsnp.md): their reading is looked up once and cached.
    (req, reply) => {
      const q = req.query;
      const semantics = q.semantics === undefined ? undefined : parseSemantics(q.semantics, "semantics");
      const reading = semantics ?? readings.peek(q.provider);
      // Query strings carry every id as text; the check normalises them ("42" is the integer 42).
      if (reading === "keyward") {
        reply.send(service.check(q.delegator, q.provider, q.scope, q.at));
        return;
      }
      (async () => {
        const r = reading ?? (await readings.load(q.provider));
        const f = await service.readingCheck(q.delegator, q.provider, q.scope, q.at, r);
        reply.send(f ?? service.check(q.delegator, q.provider, q.scope, q.at));
      })().catch((err: unknown) => reply.send(err));
    },
  );
};
