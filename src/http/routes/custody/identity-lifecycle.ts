// POST /v1/partitions/:partition/identities/:identity/{rotate,suspend,resume,revoke,remap}: an identity path's lifecycle.
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { lifecycle, ref } from "./shared.js";

/** Registers the five lifecycle routes (scope `custody:admin`, partition-bound), each audited under the caller. */
export const identityLifecycle: RouteModule = (app, kw) => {
  const custody = kw.custody;
  lifecycle(app, "rotate", "Rotate to generation + 1 (the old key signs the new one)", (req) =>
    custody.rotate(ref(req), actorOf(req)),
  );
  lifecycle(app, "suspend", "Suspend (reversible): signing fails with `suspended`", (req) =>
    custody.suspend(ref(req), actorOf(req)),
  );
  lifecycle(app, "resume", "Resume a suspended identity path", (req) =>
    custody.resume(ref(req), actorOf(req)),
  );
  lifecycle(app, "revoke", "Revoke for good: every later use fails with `revoked`", (req) =>
    custody.revoke(ref(req), actorOf(req)),
  );
  lifecycle(
    app,
    "remap",
    "Move an imported legacy key to a derived key (statement signed by the old key)",
    (req) => custody.remap(ref(req), actorOf(req)),
  );
};
