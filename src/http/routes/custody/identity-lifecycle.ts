// POST /v1/partitions/:partition/identities/:identity/{rotate,suspend,resume,revoke,remap}: an identity path's lifecycle.
import type { FastifyRequest } from "fastify";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { lifecycle, ref } from "./shared.js";

/** Registers the five lifecycle routes (scope `custody:admin`, partition-bound), each audited under the caller. */
export const identityLifecycle: RouteModule = (app, kw) => {
  const custody = kw.custody;
  // Audit events name the request's token, so the log says who changed a key.
  const as = (req: FastifyRequest) => custody.as(actorOf(req));
  lifecycle(app, "rotate", "Rotate to generation + 1 (the old key signs the new one)", (req) =>
    as(req).rotate(ref(req)),
  );
  lifecycle(app, "suspend", "Suspend (reversible): signing fails with `suspended`", (req) =>
    as(req).suspend(ref(req)),
  );
  lifecycle(app, "resume", "Resume a suspended identity path", (req) => as(req).resume(ref(req)));
  lifecycle(app, "revoke", "Revoke for good: every later use fails with `revoked`", (req) =>
    as(req).revoke(ref(req)),
  );
  lifecycle(
    app,
    "remap",
    "Move an imported legacy key to a derived key (statement signed by the old key)",
    (req) => as(req).remap(ref(req)),
  );
};
