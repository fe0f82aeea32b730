// The /v1/tokens routes, one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { createToken } from "./create.js";
import { listTokens } from "./list.js";
import { renewToken } from "./renew.js";
import { revokeToken } from "./revoke.js";

/** Token management: create, list, revoke, renew (scope `admin`). */
export const tokenRoutes: readonly RouteModule[] = [createToken, listTokens, revokeToken, renewToken];
