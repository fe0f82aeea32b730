// The delegate secret and session routes (/v1/delegates/:key/secrets, /sessions, /v1/sessions/:id), one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { createSession } from "./create-session.js";
import { deleteDelegateSecret } from "./delete-delegate-secret.js";
import { getDelegateSecret } from "./get-delegate-secret.js";
import { getSession } from "./get-session.js";
import { listDelegateSecrets } from "./list-delegate-secrets.js";
import { listSessions } from "./list-sessions.js";
import { putDelegateSecret } from "./put-delegate-secret.js";
import { scheduleAction } from "./schedule-action.js";
import { sessionSign } from "./session-sign.js";

/** /v1/delegates/:key/secrets and sessions: a delegate's sealed secrets and its persisted signing sessions. */
export const delegateSessionRoutes: readonly RouteModule[] = [
  listDelegateSecrets,
  putDelegateSecret,
  getDelegateSecret,
  deleteDelegateSecret,
  createSession,
  listSessions,
  getSession,
  sessionSign,
  scheduleAction,
];
